"""The chain link is spelled out by hand for speed: it must stay the canonical JSON's bytes."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from tracker.store.eventlog import GENESIS_HASH, canonical_json, chain_hash

texts = st.text(max_size=40)  # any characters: quotes, backslashes, control and non-ASCII


@given(st.integers(min_value=1, max_value=10**12), texts, texts, texts, texts)
def test_chain_hash_is_over_the_canonical_json_link(
    seq: int, recorded_at: str, user: str, kind: str, digest: str
) -> None:
    link = canonical_json([seq, recorded_at, user, kind, digest])
    expected = hashlib.sha256(bytes.fromhex(GENESIS_HASH) + link).hexdigest()
    assert chain_hash(GENESIS_HASH, seq, recorded_at, user, kind, digest) == expected
