"""Portal building blocks without HTTP: companies, INN, phones, throttling, tokens, passwords, migrations."""

import base64
import json
import sqlite3
from types import SimpleNamespace

import pytest
from argon2 import PasswordHasher

from portal.accounts.phones import display_phone, normalise_phone
from portal.core import identity, passwords, throttle, tokens
from portal.core.capability import REGISTRY, Migration
from portal.core.companies import company_key, find_or_create_company, inn_is_valid
from portal.core.db import connect, upgrade
from portal.core.settings import SettingsError, load_settings
from portal.core.tokens import TokenError, issue_token, read_token, use_token

SECRET = "s" * 48
TABLES = {"schema_migrations", "companies", "users", "identities", "sessions", "used_tokens", "login_failures",
          "subscriptions", "oidc_states"}


@pytest.fixture
def database(tmp_path):
    db = connect(tmp_path / "var" / "club.db")
    yield db
    db.conn.close()


def tables(db) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}


def versions(db) -> list[int]:
    return [row[0] for row in db.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]


# --- companies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "key"), [
    ("ООО «Свет-Монтаж»", "свет монтаж"),
    ('ООО "Свет-Монтаж"', "свет монтаж"),
    ("свет монтаж ооо", "свет монтаж"),
    ("  СВЕТ   —  МОНТАЖ,  ООО ", "свет монтаж"),
    ("АО «Светлый Путь»", "светлый путь"),
    ("ИП Ёлкин", "елкин"),
    ("Lumen Lighting LLC", "lumen lighting"),
    ("Lumen Co.", "lumen"),
    ("Ооошка", "ооошка"),  # a legal form inside a word stays
    ("Свет 2000", "свет 2000"),
    ("ООО", ""),
])
def test_company_key(name, key):
    assert company_key(name) == key


def test_find_or_create_company_matches_by_key_and_then_by_inn(database):
    first = find_or_create_company(database, "ООО «Свет-Монтаж»")
    assert find_or_create_company(database, "свет монтаж").id == first.id
    with_inn = find_or_create_company(database, "Свет-Монтаж", "7707083893")
    assert with_inn.id == first.id and with_inn.inn == "7707083893"
    assert find_or_create_company(database, "Другое название", "7707083893").id == first.id  # the INN wins


def test_find_or_create_company_refuses_a_name_without_a_key(database):
    with pytest.raises(ValueError, match="legal form"):
        find_or_create_company(database, "ООО")


@pytest.mark.parametrize("inn", ["7707083893", "500100732259", "7830002293"])
def test_valid_inns(inn):
    assert inn_is_valid(inn)


@pytest.mark.parametrize("inn", ["7707083894", "500100732250", "500100732209", "77070838", "77070838931",
                                 "770708389a", "", "7707 083893", "+707083893",
                                 "７７０７０８３８９３", "٧٧٠٧٠٨٣٨٩٣"])
def test_invalid_inns(inn):
    assert not inn_is_valid(inn)


# --- phones -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["8 (912) 345-67-89", "+7 912 345 67 89", "89123456789", "+79123456789",
                                  "9123456789", " +7(912)345-67-89 ", "8-912-345-67-89"])
def test_russian_phone_variants_become_e164(text):
    assert normalise_phone(text) == "+79123456789"


def test_foreign_numbers_are_welcome():
    assert normalise_phone("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("text", ["", "   ", "позвоните мне", "12-34", "+7 912 345 67 899", "8 (000) 000-00-00",
                                  "+7 912 345-67-89 доб. 1234567890123456789", "1" * 41])
def test_garbage_and_overlong_phones_are_refused(text):
    assert normalise_phone(text) is None


def test_display_phone():
    assert display_phone("+79123456789") == "+7 912 345-67-89"
    assert display_phone(None) == "" and display_phone("junk") == "junk"


# --- throttling ---------------------------------------------------------------------------------


KEYS = ["account:anna@example.ru"]
T0 = 1_800_000_000.0


def fail(db, times, keys=KEYS, now=T0):
    for _ in range(times):
        throttle.record_failure(db, keys, now=now)


def test_the_first_failures_cost_nothing(database):
    fail(database, throttle.FREE_FAILURES["account"] - 1)
    assert throttle.seconds_to_wait(database, KEYS, now=T0) == 0


def test_delays_double_after_the_free_failures(database):
    fail(database, throttle.FREE_FAILURES["account"] - 1)
    waits = []
    for _ in range(4):
        fail(database, 1)
        waits.append(throttle.seconds_to_wait(database, KEYS, now=T0))
    assert waits == [1, 2, 4, 8]
    assert throttle.seconds_to_wait(database, KEYS, now=T0 + 3) == 5  # time already waited counts


def test_delays_are_capped_at_fifteen_minutes(database):
    fail(database, 40)
    assert throttle.seconds_to_wait(database, KEYS, now=T0) == 15 * 60
    assert throttle.seconds_to_wait(database, KEYS, now=T0 + 15 * 60) == 0  # never a lock-out


def test_failures_are_forgotten_after_an_hour_without_any(database):
    fail(database, 10)
    later = T0 + 3600 + 1
    assert throttle.seconds_to_wait(database, KEYS, now=later) == 0
    fail(database, 1, now=later)  # the count starts again from one
    assert throttle.seconds_to_wait(database, KEYS, now=later) == 0
    assert database.execute("SELECT failures FROM login_failures WHERE key = ?", KEYS).fetchone()[0] == 1


def test_an_attempt_is_counted_before_the_password_is_checked(database):
    keys = [*KEYS, "address:10.0.0.1"]
    free = throttle.FREE_FAILURES["account"]
    assert [throttle.take_attempt(database, keys, now=T0) for _ in range(free + 1)] == [0] * free + [1]
    counts = dict(database.execute("SELECT key, failures FROM login_failures").fetchall())
    assert counts == {KEYS[0]: free, "address:10.0.0.1": free}  # the refused attempt was not counted


def test_a_success_clears_the_account_and_gives_the_address_its_attempt_back(database):
    keys = [*KEYS, "address:10.0.0.1"]
    for _ in range(3):
        throttle.take_attempt(database, keys, now=T0)
    throttle.attempt_succeeded(database, keys)
    counts = dict(database.execute("SELECT key, failures FROM login_failures").fetchall())
    assert counts == {"address:10.0.0.1": 2}


def test_keys_are_counted_separately(database):
    fail(database, 10)
    assert throttle.seconds_to_wait(database, ["account:boris@example.ru"], now=T0) == 0
    both = throttle.throttle_keys(" Anna@Example.ru ", "10.0.0.1")
    assert both == ["account:anna@example.ru", "address:10.0.0.1"]
    assert throttle.seconds_to_wait(database, both, now=T0) > 0  # the longest wait of the keys wins
    throttle.clear_failures(database, KEYS[0])
    assert throttle.seconds_to_wait(database, both, now=T0) == 0


def test_addresses_get_more_free_failures_than_accounts(database):
    fail(database, 10, keys=["address:10.0.0.1"])
    assert throttle.seconds_to_wait(database, ["address:10.0.0.1"], now=T0) == 0


# --- tokens -------------------------------------------------------------------------------------


def test_a_token_reads_back_for_its_purpose():
    claims = read_token(SECRET, issue_token(SECRET, "reset", 42, stamp="abc"), "reset")
    assert (claims.purpose, claims.user_id, claims.stamp) == ("reset", 42, "abc")


def test_a_token_for_one_purpose_is_refused_for_another():
    with pytest.raises(TokenError, match="purpose"):
        read_token(SECRET, issue_token(SECRET, "confirm", 1), "reset")


def test_an_expired_token_is_refused(monkeypatch):
    long_ago = tokens.time.time() - tokens.LIFETIMES["confirm"] - 10
    monkeypatch.setattr(tokens, "time", SimpleNamespace(time=lambda: long_ago))
    token = issue_token(SECRET, "confirm", 1)
    monkeypatch.undo()
    with pytest.raises(TokenError, match="expired"):
        read_token(SECRET, token, "confirm")


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_tampered_token_is_refused():
    header, payload, signature = issue_token(SECRET, "confirm", 1).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = ".".join([header, b64({**claims, "sub": "2"}), signature])
    for token in (forged, issue_token("other" * 10, "confirm", 1), "abc", "", "a.b.c"):
        with pytest.raises(TokenError, match="invalid"):
            read_token(SECRET, token, "confirm")


def test_an_unsigned_token_is_refused():
    claims = {"pur": "confirm", "sub": "1", "exp": 4_000_000_000, "jti": "x"}
    with pytest.raises(TokenError):
        read_token(SECRET, b64({"alg": "none", "typ": "JWT"}) + "." + b64(claims) + ".", "confirm")


def test_a_token_works_once(database):
    token = issue_token(SECRET, "confirm", 7)
    assert use_token(database, SECRET, token, "confirm").user_id == 7
    with pytest.raises(TokenError) as error:
        use_token(database, SECRET, token, "confirm")
    assert str(error.value) == "used"
    assert use_token(database, SECRET, issue_token(SECRET, "confirm", 7), "confirm")  # a new link works


# --- passwords ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stored():
    return passwords.hash_password("lampochka-ilyicha-2026")


def test_verify_password(stored):
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, "lampochka-ilyicha-2026")
    assert not passwords.verify_password(stored, "lampochka-ilyicha-2027")
    assert not passwords.verify_password(stored, "")


def test_verify_without_a_hash_is_false():
    assert passwords.verify_password(None, "lampochka-ilyicha-2026") is False
    assert passwords.verify_password("not-a-hash", "lampochka-ilyicha-2026") is False


def test_needs_rehash_after_the_parameters_change(stored):
    old = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("lampochka-ilyicha-2026")
    assert passwords.needs_rehash(old) and passwords.verify_password(old, "lampochka-ilyicha-2026")
    assert not passwords.needs_rehash(stored)
    assert passwords.needs_rehash("garbage")


def test_password_problem():
    assert passwords.password_problem("1234567") == "password.too_short"
    assert passwords.password_problem("12345678") is None
    assert passwords.password_problem("x" * 1025) == "password.too_long"


# --- migrations ---------------------------------------------------------------------------------


def test_a_new_database_gets_every_table_and_every_version(tmp_path, database):
    assert tables(database) >= TABLES
    assert versions(database) == [migration.version for migration in REGISTRY.migrations()]
    assert database.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_connecting_again_changes_nothing(tmp_path, database):
    before = (tables(database), database.execute("SELECT * FROM schema_migrations").fetchall())
    again = connect(tmp_path / "var" / "club.db")
    try:
        assert upgrade(again) == []
        assert (tables(again), again.execute("SELECT * FROM schema_migrations").fetchall()) == before
    finally:
        again.conn.close()


def test_a_failing_migration_rolls_back_entirely(tmp_path, database):
    before = tables(database)
    latest = [migration.version for migration in REGISTRY.migrations()]
    broken = Migration(latest[-1] + 1, "broken", "CREATE TABLE points (id INTEGER PRIMARY KEY);\n"
                       "ALTER TABLE users ADD COLUMN points INTEGER;\n"
                       "CREATE TABLE users (id INTEGER);\n")
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        connect(tmp_path / "var" / "club.db", [*REGISTRY.migrations(), broken])
    assert tables(database) == before and "points" not in tables(database)
    assert "points" not in [row[1] for row in database.execute("PRAGMA table_info(users)").fetchall()]
    assert versions(database) == latest
    assert upgrade(database) == []  # still usable afterwards


def test_letters_to_one_address_stop_for_an_hour_after_the_budget(database):
    keys = ["register_mail:anna@example.ru"]
    budget = throttle.FREE_FAILURES["register_mail"]
    assert [throttle.take_attempt(database, keys, now=T0) for _ in range(budget + 1)][-1] == 3600
    assert throttle.take_attempt(database, keys, now=T0 + 3599) == 1
    assert throttle.take_attempt(database, keys, now=T0 + 3601) == 0


@pytest.mark.parametrize("address", ["a\x00b@example.ru", "a\x07@example.ru", "ab@exa\x7fmple.ru", "a@b.r\x00u"])
def test_email_addresses_with_control_characters_are_refused(address):
    assert identity.normalise_email(address) is None


def scope_from(peer: str, forwarded: str | None) -> dict:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    return {"type": "http", "client": (peer, 5000), "headers": headers}


def test_x_forwarded_for_is_believed_only_from_configured_proxies():
    from portal.core.security import forwarded_client
    from portal.core.settings import load_trusted_proxies

    proxies = load_trusted_proxies("127.0.0.1, 10.0.0.0/8")
    cases = [("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not a proxy: its header is ignored
             ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
             ("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3", "198.51.100.1"),  # right-most not ours
             ("127.0.0.1", "garbage", "127.0.0.1"), ("127.0.0.1", None, "127.0.0.1")]
    for peer, header, expected in cases:
        scope = scope_from(peer, header)
        forwarded_client(scope, proxies)
        assert scope["client"][0] == expected, (peer, header)
    assert load_settings(env_file=None, environ_={"CLUB_SECRET_KEY": "k" * 40}).trusted_proxies == ()


def test_a_wrong_trusted_proxy_setting_names_the_variable():
    with pytest.raises(SettingsError, match="CLUB_TRUSTED_PROXIES"):
        load_settings(env_file=None, environ_={"CLUB_SECRET_KEY": "k" * 40, "CLUB_TRUSTED_PROXIES": "nginx"})
