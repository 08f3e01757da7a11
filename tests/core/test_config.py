"""Configuration from the environment: the secret key file and EMAIL_URL."""

import stat

import pytest

from billetterie import config


def test_secret_key_is_generated_once_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(tmp_path)
    assert len(first) >= 50
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert config.secret_key(tmp_path) == first


def test_each_data_dir_gets_its_own_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert config.secret_key(tmp_path / "a") != config.secret_key(tmp_path / "b")


def test_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert config.secret_key(tmp_path) == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_data_dir_from_the_environment_is_created(tmp_path, monkeypatch):
    target = tmp_path / "deep" / "data"
    monkeypatch.setenv("BILLETTERIE_DATA_DIR", str(target))
    assert config.data_dir() == target.resolve()
    assert target.is_dir()


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), ("", True), ("1", True), ("yes", True), ("On", True), ("0", False)],
)
def test_env_flag(value, expected, monkeypatch):
    if value is None:
        monkeypatch.delenv("SOME_FLAG", raising=False)
    else:
        monkeypatch.setenv("SOME_FLAG", value)
    assert config.env_flag("SOME_FLAG", default=value == "") is expected


SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_email_url_smtp_with_tls(tmp_path):
    mailer = config.mailer("smtp://user%40org:p%40ss@mail.example.org:587?tls=1", tmp_path)
    assert mailer["BACKEND"] == SMTP
    assert mailer["OPTIONS"] == {
        "host": "mail.example.org",
        "port": 587,
        "username": "user@org",
        "password": "p@ss",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 20,
    }


def test_email_url_smtps(tmp_path):
    options = config.mailer("smtps://u:p@mail.example.org:465", tmp_path)["OPTIONS"]
    assert (options["use_ssl"], options["use_tls"], options["port"]) == (True, False, 465)


def test_email_url_smtp_without_credentials_or_port(tmp_path):
    options = config.mailer("smtp://localhost", tmp_path)["OPTIONS"]
    assert options["host"] == "localhost"
    assert "port" not in options
    assert (options["username"], options["password"]) == ("", "")
    assert (options["use_ssl"], options["use_tls"]) == (False, False)


def test_email_url_file(tmp_path):
    target = tmp_path / "outgoing"
    mailer = config.mailer(f"file://{target}", tmp_path)
    assert mailer == {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(target)},
    }
    assert target.is_dir()


def test_email_url_console_and_locmem(tmp_path):
    assert config.mailer("console:", tmp_path) == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend"
    }
    assert config.mailer("locmem:", tmp_path) == {
        "BACKEND": "django.core.mail.backends.locmem.EmailBackend"
    }


def test_no_email_url_writes_files_into_the_data_dir(tmp_path):
    mailer = config.mailer(None, tmp_path)
    assert mailer["OPTIONS"]["file_path"] == str(tmp_path / "mail")
    assert (tmp_path / "mail").is_dir()


@pytest.mark.parametrize("url", ["http://mail.example.org", "sendmail:", "ftp://x"])
def test_unsupported_email_url_is_an_error(url, tmp_path):
    with pytest.raises(ValueError, match="not supported"):
        config.mailer(url, tmp_path)


def test_buyers_documents_are_stored_outside_the_served_media_folder():
    from pathlib import Path

    from billetterie import settings as production

    private = Path(production.STORAGES["private"]["OPTIONS"]["location"])
    assert production.STORAGES["private"]["OPTIONS"]["base_url"] is None
    assert Path(production.MEDIA_ROOT) not in private.parents
    assert private != Path(production.MEDIA_ROOT)
