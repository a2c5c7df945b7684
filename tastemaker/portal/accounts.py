"""Accounts, sign-ins, invitations and API tokens: everything that decides who a request comes from.

Passwords are hashed with argon2id. Session ids, invitation and API tokens are random
URL-safe strings handed to the user once and stored as SHA-256 digests. Failed sign-ins are
counted per e-mail and per client address in the database, so the limit holds across worker
processes and restarts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tastemaker.errors import UserError
from tastemaker.portal.tables import (
    API_TOKENS,
    AUDIT,
    INVITES,
    LOGIN_FAILURES,
    ROLES,
    SESSIONS,
    USER_ARTISTS,
    USERS,
)

HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
# Verified against when the e-mail is unknown, so a wrong address costs the same time as a wrong password.
UNKNOWN_USER_HASH = HASHER.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    role: str
    artists: frozenset[str]

    @property
    def is_label_staff(self) -> bool:
        """Label admins and members see every artist of the label; artists only their own."""
        return self.role in ("admin", "member")

    def may_see(self, artist_id: str) -> bool:
        return self.is_label_staff or artist_id in self.artists


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def add_user(
    engine: sa.Engine, email: str, name: str, role: str, artists: list[str], password: str | None
) -> User:
    """Create an account; without a password it can sign in only after accepting an invitation."""
    email = email.strip().lower()
    if role not in ROLES:
        raise UserError(f"unknown role '{role}': choose one of {', '.join(ROLES)}")
    if "@" not in email:
        raise UserError(f"not an e-mail address: {email}")
    if role == "artist" and not artists:
        raise UserError("an artist account needs at least one --artist")
    if password is not None:
        check_password_rules(password)
    with engine.begin() as connection:
        if connection.scalar(sa.select(USERS.c.id).where(USERS.c.email == email)) is not None:
            raise UserError(f"an account for {email} exists already")
        user_id = connection.execute(
            USERS.insert().values(
                email=email,
                name=name or email,
                role=role,
                created_at=now(),
                password_hash=HASHER.hash(password) if password else None,
            )
        ).inserted_primary_key[0]
        if artists:
            connection.execute(
                USER_ARTISTS.insert(), [{"user_id": user_id, "artist_id": a} for a in set(artists)]
            )
    return User(user_id, email, name or email, role, frozenset(artists))


def reset_demo_user(
    engine: sa.Engine, email: str, name: str, role: str, artists: list[str], password: str
) -> None:
    """Create a demo account, or give an existing one this password and these artists again."""
    with engine.begin() as connection:
        connection.execute(USERS.delete().where(USERS.c.email == email))
    add_user(engine, email, name, role, artists, password)


def user_by_id(connection: sa.Connection, user_id: int) -> User | None:
    row = connection.execute(sa.select(USERS).where(USERS.c.id == user_id)).mappings().first()
    return _with_artists(connection, row) if row is not None else None


def _with_artists(connection: sa.Connection, row) -> User:
    artists = connection.scalars(
        sa.select(USER_ARTISTS.c.artist_id).where(USER_ARTISTS.c.user_id == row["id"])
    )
    return User(row["id"], row["email"], row["name"], row["role"], frozenset(artists))


def user_id_by_email(engine: sa.Engine, email: str) -> int:
    with engine.connect() as connection:
        user_id = connection.scalar(sa.select(USERS.c.id).where(USERS.c.email == email.strip().lower()))
    if user_id is None:
        raise UserError(f"no account for {email}")
    return user_id


def authenticate(engine: sa.Engine, email: str, password: str) -> User | None:
    email = email.strip().lower()
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(USERS.c.id, USERS.c.password_hash).where(USERS.c.email == email)
        ).first()
        stored = row.password_hash if row is not None and row.password_hash else UNKNOWN_USER_HASH
        try:
            HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return user_by_id(connection, row.id) if row is not None and row.password_hash else None


def too_many_failures(engine: sa.Engine, email: str, address: str, limit: int, window_minutes: float) -> bool:
    since = now() - dt.timedelta(minutes=window_minutes)
    recent = sa.select(sa.func.count()).select_from(LOGIN_FAILURES).where(LOGIN_FAILURES.c.at >= since)
    with engine.connect() as connection:
        by_email = connection.scalar(recent.where(LOGIN_FAILURES.c.email == email.strip().lower()))
        by_address = connection.scalar(recent.where(LOGIN_FAILURES.c.address == address))
    # An address may serve many people (an office behind one NAT): it gets a wider allowance.
    return by_email >= limit or by_address >= 4 * limit


def record_failure(engine: sa.Engine, email: str, address: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            LOGIN_FAILURES.insert().values(email=email.strip().lower(), address=address, at=now())
        )


def start_session(engine: sa.Engine, user: User, hours: float) -> str:
    token = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(SESSIONS.delete().where(SESSIONS.c.expires_at < now()))
        connection.execute(
            SESSIONS.insert().values(
                token_hash=digest(token), user_id=user.id, expires_at=now() + dt.timedelta(hours=hours)
            )
        )
    return token


def session_user(engine: sa.Engine, token: str) -> User | None:
    """The account of an unexpired session; every page asks, so it is one indexed join and one look-up."""
    query = (
        sa.select(USERS, SESSIONS.c.expires_at)
        .join(SESSIONS, SESSIONS.c.user_id == USERS.c.id)
        .where(SESSIONS.c.token_hash == digest(token))
    )
    with engine.connect() as connection:
        row = connection.execute(query).mappings().first()
        if row is None or _aware(row["expires_at"]) < now():
            return None
        return _with_artists(connection, row)


def end_session(engine: sa.Engine, token: str) -> None:
    with engine.begin() as connection:
        connection.execute(SESSIONS.delete().where(SESSIONS.c.token_hash == digest(token)))


def create_invite(engine: sa.Engine, user_id: int, hours: float) -> str:
    token = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(
            INVITES.insert().values(
                token_hash=digest(token), user_id=user_id, expires_at=now() + dt.timedelta(hours=hours)
            )
        )
    return token


def invited_user(engine: sa.Engine, token: str) -> User | None:
    """The account an unused, unexpired invitation is for."""
    with engine.connect() as connection:
        row = (
            connection.execute(sa.select(INVITES).where(INVITES.c.token_hash == digest(token)))
            .mappings()
            .first()
        )
        if row is None or row["used_at"] is not None or _aware(row["expires_at"]) < now():
            return None
        return user_by_id(connection, row["user_id"])


def accept_invite(engine: sa.Engine, token: str, password: str) -> User | None:
    check_password_rules(password)
    user = invited_user(engine, token)
    if user is None:
        return None
    with engine.begin() as connection:
        used = connection.execute(
            INVITES.update()
            .where(INVITES.c.token_hash == digest(token))
            .where(INVITES.c.used_at.is_(None))
            .values(used_at=now())
        )
        if used.rowcount != 1:  # accepted by a concurrent request a moment ago
            return None
        connection.execute(
            USERS.update().where(USERS.c.id == user.id).values(password_hash=HASHER.hash(password))
        )
    return user


def create_api_token(engine: sa.Engine, user_id: int, label: str) -> str:
    token = "tm_" + secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(
            API_TOKENS.insert().values(
                token_hash=digest(token), user_id=user_id, label=label, created_at=now()
            )
        )
    return token


def token_user(engine: sa.Engine, token: str) -> User | None:
    with engine.connect() as connection:
        user_id = connection.scalar(
            sa.select(API_TOKENS.c.user_id).where(API_TOKENS.c.token_hash == digest(token))
        )
        return user_by_id(connection, user_id) if user_id is not None else None


def audit(
    engine: sa.Engine,
    user: User | None,
    action: str,
    address: str,
    detail: str = "",
    artist_id: str | None = None,
    email: str | None = None,
) -> None:
    with engine.begin() as connection:
        connection.execute(
            AUDIT.insert().values(
                at=now(),
                user_id=user.id if user else None,
                email=user.email if user else (email or ""),
                action=action,
                artist_id=artist_id,
                detail=detail,
                address=address,
            )
        )


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands timezone-aware columns back naive (in UTC); PostgreSQL keeps the zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
