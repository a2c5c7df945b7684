"""The portal's own tables: accounts, their artists, sign-ins, invitations, API tokens, pitch statuses, audit.

Secrets (session ids, invitation and API tokens) are stored only as SHA-256 digests, so a copy
of the database lets nobody sign in. Statuses are a history, never updated in place: the
latest row of a pitch is its status, and every earlier one stays for the audit.
"""

from __future__ import annotations

import sqlalchemy as sa

from tastemaker.errors import UserError

METADATA = sa.MetaData()

ROLES = ("admin", "member", "artist")
STATUSES = ("sent", "accepted", "declined", "skipped")
# A curator can only accept or decline what was sent: these three mean the pitch went out.
SENT_STATUSES = ("sent", "accepted", "declined")

USERS = sa.Table(
    "portal_users",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

USER_ARTISTS = sa.Table(
    "portal_user_artists",
    METADATA,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("portal_users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("artist_id", sa.String(64), primary_key=True),
)

SESSIONS = sa.Table(
    "portal_sessions",
    METADATA,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("portal_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)

INVITES = sa.Table(
    "portal_invites",
    METADATA,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("portal_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
)

API_TOKENS = sa.Table(
    "portal_api_tokens",
    METADATA,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("portal_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

LOGIN_FAILURES = sa.Table(
    "portal_login_failures",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(320), nullable=False, index=True),
    sa.Column("address", sa.String(64), nullable=False, index=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

PITCH_STATUSES = sa.Table(
    "portal_pitch_statuses",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_date", sa.Date, nullable=False),
    sa.Column("artist_id", sa.String(64), nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("isrc", sa.String(12), nullable=False),
    sa.Column("playlist_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("portal_users.id"), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_portal_pitch_statuses_pitch", "run_date", "artist_id", "rank"),
)

AUDIT = sa.Table(
    "portal_audit",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_id", sa.Integer, nullable=True),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("artist_id", sa.String(64), nullable=True),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("address", sa.String(64), nullable=False),
)


def connect(db_url: str) -> sa.Engine:
    """The portal database, its tables created if absent; an unreachable one is a one-line error."""
    try:
        engine = sa.create_engine(db_url, pool_pre_ping=True)
        METADATA.create_all(engine)
    except ImportError as error:
        raise UserError(f"no database driver for {db_url.split(':')[0]} ({error.name})") from None
    except sa.exc.OperationalError as error:
        raise UserError(f"cannot reach the portal database: {error.orig}") from None
    return engine
