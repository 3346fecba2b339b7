"""Static files in production: WhiteNoise's hashed, pre-compressed files, with each file's URL
worked out once per process. The manifest is read when the process starts and never changes while
it runs, yet working out a URL (clean the name, look it up in the manifest, join and quote it) cost
about 0.14 M instructions, and every page asks for four."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Keyed by the names templates ask for: a fixed set, from the code.
        self._urls: dict[str, str] = {}

    def url(self, name: str, force: bool = False) -> str:
        if force:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = self._urls[name] = super().url(name)
        return url
