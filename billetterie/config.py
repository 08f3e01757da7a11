"""Reading configuration from the environment.

Everything has a default so that a laptop needs no variable at all; production sets the
variables listed in the README. Kept apart from settings.py so the CLI can use it before
Django is configured.
"""

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def data_dir() -> Path:
    """Where the embedded database, the secret key, uploads and the mail folder live."""
    path = Path(os.environ.get("BILLETTERIE_DATA_DIR") or Path.cwd() / "var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = directory / "secret_key"
    if not key_file.exists():
        # Write a complete file aside, then link it into place: link() fails if another
        # process got there first, and nobody ever reads a half-written key.
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
            os.chmod(temporary, 0o600)
            with contextlib.suppress(FileExistsError):
                os.link(temporary, key_file)
        finally:
            os.unlink(temporary)
    return key_file.read_text().strip()


def mailer(email_url: str | None, directory: Path) -> dict:
    """The MAILERS["default"] entry for an EMAIL_URL.

    smtp://user:pass@host:587?tls=1 · smtps://user:pass@host:465 · file:///path ·
    console: · locmem: — default: files under <data dir>/mail/ that a demo user can read.
    """
    if not email_url:
        mail_dir = directory / "mail"
        mail_dir.mkdir(parents=True, exist_ok=True)
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(mail_dir)},
        }
    parts = urlsplit(email_url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    scheme = parts.scheme.lower()
    if scheme in {"smtp", "smtps", "submission"}:
        options = {
            "host": parts.hostname or "localhost",
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": scheme == "smtps" or query.get("ssl", "").lower() in TRUE_WORDS,
            # implicit TLS (smtps) and STARTTLS exclude each other; implicit wins
            "use_tls": not (scheme == "smtps" or query.get("ssl", "").lower() in TRUE_WORDS)
            and (scheme == "submission" or query.get("tls", "").lower() in TRUE_WORDS),
            "timeout": int(query.get("timeout", "20")),
        }
        if parts.port:
            options["port"] = parts.port
        return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
    if scheme == "file":
        path = Path(unquote(parts.path))
        path.mkdir(parents=True, exist_ok=True)
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(path)},
        }
    if scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    raise ValueError(f"EMAIL_URL scheme {scheme!r} is not supported (smtp, smtps, file, console)")
