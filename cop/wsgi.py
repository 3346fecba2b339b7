import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop.settings")

application = get_wsgi_application()

# What Django would otherwise do on the first requests, done before this process serves one.
from cop.warmup import settle, warm  # noqa: E402 (needs the settings and apps loaded above)

warm()
settle()
