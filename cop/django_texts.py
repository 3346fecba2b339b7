"""Texts of Django 6.1 that its own Dutch catalogue lacks (new or changed in 6.1), so Dutch pages
showed them in English: the empty choice of every select ("- Select an option -"), a password that
is too short (accepting an invitation, changing a password), and in the admin the date filter of
the audit log, the hidden headings of search and pagination and the delete confirmations.

Gilde's catalogue (LOCALE_PATHS, read before Django's) holds their Dutch. They are named here only
so that `make translations` (makemessages over Gilde's own files) keeps them instead of marking
them obsolete; nothing imports this module. tests/cop/test_translations.py fails when a Django
text has Dutch in neither catalogue, so an upgrade of Django says what to add (or to drop here).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

TEXTS = (
    gettext_noop("- Select an option -"),
    gettext_noop("“%(value)s” is not a valid binary value."),
    gettext_noop("No %s matches the given query."),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    ),
    gettext_noop('The app "%s" could not be found.'),
    gettext_noop(", "),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects.", "count"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would result in deleting related objects, but your "
        "account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would require deleting the following protected related "
        "objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the %(object_name)s “%(escaped_object)s”? All of the following related "
        "items will be deleted:"
    ),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("Pagination %(name)s entries"),
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Search %(name)s"),
    gettext_noop("Logout"),
)
