"""Stored files for code that needs a file on the local disk (a reader that takes a path, a
child process): the storage API only, never a path under MEDIA_ROOT, so that the same code
works with the filesystem and with an S3-compatible bucket (settings `STORAGES`)."""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHUNK = 1 << 20


@contextmanager
def local_copy(storage, name: str, *, suffix: str = "") -> Iterator[Path]:
    """A path to the content of the stored file `name` for the time of the block. A storage
    with local paths gives its own file; any other (a bucket) is copied into a temporary
    file first, removed afterwards."""
    try:
        path = storage.path(name)
    except NotImplementedError:
        path = None
    if path is not None:
        yield Path(path)
        return
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        with storage.open(name, "rb") as source:
            shutil.copyfileobj(source, tmp, CHUNK)
        tmp.flush()
        yield Path(tmp.name)


def walk(storage, top: str = "") -> Iterator[str]:
    """Every stored file's name under `top`, through the storage's own listing."""
    try:
        folders, files = storage.listdir(top)
    except FileNotFoundError:  # a media folder not made yet: nothing stored
        return
    for name in sorted(files):
        yield f"{top}/{name}" if top else name
    for folder in sorted(folders):
        yield from walk(storage, f"{top}/{folder}" if top else folder)


def put(storage, name: str, content) -> None:
    """Store `content` under exactly `name`, replacing a file of that name (a restore)."""
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, content)
    if saved != name:
        raise OSError(f"{name} was stored as {saved}")
