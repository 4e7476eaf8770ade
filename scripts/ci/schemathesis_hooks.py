"""What schemathesis must know of openapi/openapi.json beyond JSON Schema, for its "valid request" to be valid.

1. Custom formats. No pattern can hold the mod-11 check digits of a CPF or CNPJ, so the contract names them with
   `format: cpf` and `format: cnpj`; a transactions cursor is `format: cursor` and a subject's page cursor
   `format: subject-cursor` (a page's nextCursor). The strategies below draw values of those formats, computed as the
   server checks them (libs/shared-kernel, transaction-queries, subject-rights/subject-cursor.ts).
2. Rules that compare a value with the clock or with another field. JSON Schema cannot state them; the contract says
   them in the descriptions, and `filter_case` keeps the cases the fuzzer means to be valid from breaking them. Each
   rule names the domain code that enforces it. Cases meant to be invalid are left as they are.
"""

import base64
import json
from datetime import date, datetime, timedelta, timezone

import schemathesis
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode


# ---------------------------------------------------------------------------------------------------------------
# formats
# ---------------------------------------------------------------------------------------------------------------
def _cpf_digit(body: str) -> str:
    total = sum(int(c) * (len(body) + 1 - i) for i, c in enumerate(body))
    rest = (total * 10) % 11
    return str(0 if rest == 10 else rest)


def _cpf(base: str, formatted: bool) -> str:
    first = _cpf_digit(base)
    value = base + first + _cpf_digit(base + first)
    return f"{value[:3]}.{value[3:6]}.{value[6:9]}-{value[9:]}" if formatted else value


_CNPJ_W1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
_CNPJ_W2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]


def _cnpj_digit(body: str, weights: list) -> str:
    rest = sum(w * (ord(c) - 48) for w, c in zip(weights, body)) % 11
    return str(0 if rest < 2 else 11 - rest)


def _cnpj(base: str, formatted: bool, lower: bool) -> str:
    first = _cnpj_digit(base, _CNPJ_W1)
    value = base + first + _cnpj_digit(base + first, _CNPJ_W2)
    if formatted:
        value = f"{value[:2]}.{value[2:5]}.{value[5:8]}/{value[8:12]}-{value[12:]}"
    return value.lower() if lower else value


def _cursor(at_ms: int, event_id: str) -> str:
    raw = json.dumps([at_ms, event_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Bases of one repeated digit would give the never-issued numbers the patterns exclude (000.000.000-00).
_nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda b: len(set(b)) > 1)
schemathesis.openapi.format("cpf", st.builds(_cpf, _nine_digits, st.booleans()))

_cnpj_base = st.one_of(
    st.text(alphabet="0123456789", min_size=12, max_size=12).filter(lambda b: len(set(b)) > 1),
    st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=12, max_size=12),
)
schemathesis.openapi.format("cnpj", st.builds(_cnpj, _cnpj_base, st.booleans(), st.booleans()))

# An event id as the contract allows it; the cursor stays within the 512 characters the query takes.
_event_id = st.from_regex(r"\A[A-Za-z0-9._:-]{1,128}\Z")
schemathesis.openapi.format(
    "cursor", st.builds(_cursor, st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1), _event_id)
)


def _subject_cursor(positions: list, ratings, since: datetime) -> str:
    state = dict(zip("tia", positions), r=ratings, s=since.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


# A subject's page cursor (subject-cursor.ts): each list not started (null) or finished (false), the ratings offset,
# and for consultations the instant the six months began. A store's own position would need a page it returned.
_list_position = st.sampled_from([None, False])
schemathesis.openapi.format(
    "subject-cursor",
    st.builds(
        _subject_cursor,
        st.lists(_list_position, min_size=3, max_size=3),
        st.one_of(st.just(False), st.integers(min_value=0, max_value=10_000)),
        st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
    ),
)


# ---------------------------------------------------------------------------------------------------------------
# rules against the clock or between fields
# ---------------------------------------------------------------------------------------------------------------
DAY = timedelta(days=1)
EARLIEST_DAY = date(1900, 1, 1)


def _instant(text):
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def _day(text):
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _years_between(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _today():
    return datetime.now(timezone.utc).date()


def _debt_dates_rules(debt) -> bool:
    """A due or limitation date from 1900-01-01 to 50 years ahead (DATE_OUT_OF_RANGE, plausibility.ts); a limitation
    date not before its due date."""
    if not isinstance(debt, dict):
        return True
    latest = _today() + timedelta(days=365 * 50)  # a few leap days short of 50 years: on the safe side
    due, limit = _day(debt.get("dueDate")), _day(debt.get("limitationDate"))
    if any(d is not None and not (EARLIEST_DAY <= d <= latest) for d in (due, limit)):
        return False
    return not (due and limit and limit < due)


def _consumer_rules(body) -> bool:
    """UpsertConsumer: debt ids unique in the list (DEBT_DUPLICATED); each debt's dates plausible."""
    debts = body.get("debts") if isinstance(body, dict) else None
    if not isinstance(debts, list):
        return True
    ids = [d.get("id") for d in debts if isinstance(d, dict)]
    if len(ids) != len(set(map(str, ids))):
        return False
    return all(_debt_dates_rules(d) for d in debts)


def _correction_rules(body) -> bool:
    """Correction of a debt: the corrected dates plausible, as for a whole debt."""
    if not isinstance(body, dict) or body.get("field") != "debt":
        return True
    return _debt_dates_rules(body.get("value"))


def _features_rules(body) -> bool:
    """RatingFeatures: 18 to 120 years old today; income since neither in the future nor before the birth date (nor
    1900); no balance on an unfinanced asset."""
    if not isinstance(body, dict):
        return True
    today = _today()
    born = _day(body.get("birthDate"))
    if born and not 18 <= _years_between(born, today) <= 120:
        return False
    for income in body.get("incomeSources") or []:
        since = _day(income.get("since")) if isinstance(income, dict) else None
        if since and (since > today - DAY or since < max(EARLIEST_DAY, born or EARLIEST_DAY)):
            return False
    for asset in body.get("assets") or []:
        unfinanced = isinstance(asset, dict) and asset.get("financed") is False
        if unfinanced and asset.get("outstandingCents") not in (0, None):
            return False
    return True


# MOVEMENT_SIGNS in libs/credit-domain/src/transactions/transaction-event.ts; OTHER may go either way.
_MONEY_IN = {"SALARY", "TRANSFER_IN", "LOAN_DISBURSEMENT", "DEPOSIT"}
_MONEY_OUT = {"TRANSFER_OUT", "BILL_PAYMENT", "LOAN_PAYMENT", "WITHDRAWAL"}


def _event_rules(event, earliest, latest) -> bool:
    """One event: occurredAt an instant with a zone, no more than a day ahead nor 15 years back (EVENT_INVALID,
    EVENT_MAX_AGE_YEARS); a movement's amount signed as its kind moves money (MOVEMENT_SIGNS)."""
    if not isinstance(event, dict):
        return True
    at = _instant(event.get("occurredAt"))
    if at is not None and (at.tzinfo is None or not earliest <= at <= latest):
        return False
    amount = event.get("amountCents")
    if event.get("type") == "FINANCIAL_MOVEMENT" and isinstance(amount, (int, float)):
        if (event.get("kind") in _MONEY_IN and amount < 0) or (event.get("kind") in _MONEY_OUT and amount > 0):
            return False
    return True


def _events_rules(body) -> bool:
    events = body.get("events") if isinstance(body, dict) else None
    if not isinstance(events, list):
        return True
    now = datetime.now(timezone.utc)
    # 365 days a year leaves the leap days as margin on the safe side of the server's Brasília calendar.
    earliest = now - timedelta(days=365 * 15)
    latest = now + DAY - timedelta(minutes=5)
    return all(_event_rules(event, earliest, latest) for event in events)


def _window_rules(query) -> bool:
    """Transactions window: from not after to, at most 366 * 5 days (WINDOW_INVALID), `to` defaulting to now."""
    if not isinstance(query, dict):
        return True
    to = _instant(query["to"]) if query.get("to") else datetime.now(timezone.utc)
    start = _instant(query["from"]) if query.get("from") else None
    if to is None or (query.get("from") and start is None):
        return True
    start = start or to - timedelta(days=90)
    try:
        return start <= to and to - start <= timedelta(days=366 * 5)
    except TypeError:
        return True


RULES = {
    ("PUT", "/v1/consumers/{cpf}"): lambda case: _consumer_rules(case.body),
    ("PUT", "/v1/consumers/{cpf}/rating-features"): lambda case: _features_rules(case.body),
    ("POST", "/v1/transactions"): lambda case: _events_rules(case.body),
    ("GET", "/v1/consumers/{cpf}/transactions"): lambda case: _window_rules(case.query),
    ("PATCH", "/v1/subjects/{cpf}/corrections"): lambda case: _correction_rules(case.body),
}


@schemathesis.hook
def filter_case(context, case) -> bool:
    rule = RULES.get((case.operation.method.upper(), case.operation.path))
    if rule is None or case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return True
    return rule(case)
