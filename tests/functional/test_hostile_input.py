"""No input gets a 500: out-of-range cursors, NUL characters and unpaired surrogates anywhere,
and concurrent uses of one idempotency key all get a 4xx or the one stored answer."""

import threading

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from keys import SharedKeyring
from tests.factories import CouncilSide, batch, person
from tests.functional.conftest import bearer, register_authority

HOME = "E08000025"


@pytest.fixture
def credential(hub_app: FastAPI) -> str:
    return register_authority(hub_app, HOME)


@pytest.mark.parametrize("path", ["/v1/notifications?cursor=", "/v1/audit?after="])
@pytest.mark.parametrize("value", [str(2**70), str(2**63), str(2**31), "-1", "1e3", "%00"])
def test_a_cursor_out_of_range_is_an_invalid_request(
    client: TestClient, credential: str, path: str, value: str
) -> None:
    response = client.get(path + value, headers=bearer(credential))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_request"


@pytest.mark.parametrize("path", ["/v1/notifications?cursor=", "/v1/audit?after="])
def test_the_largest_cursor_is_an_empty_page(
    client: TestClient, credential: str, path: str
) -> None:
    response = client.get(path + str(2**31 - 1), headers=bearer(credential))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("query", ["subject=a%00b", "subject=%ED%A0%80", "limit=1&x=%00"])
def test_no_query_text_reaches_the_database_unstorable(
    client: TestClient, credential: str, query: str
) -> None:
    response = client.get(f"/v1/audit?{query}", headers=bearer(credential))
    assert response.status_code in (200, 422), response.text


@pytest.mark.parametrize(
    "authorization",
    [b"Bearer hw1.E0800\x00025.abc", b"Bearer hw1.E08000025\xed\xa0\x80.abc", b"Bearer \xff"],
)
def test_an_unreadable_credential_is_not_authenticated(
    client: TestClient, credential: str, authorization: bytes
) -> None:
    response = client.get("/v1/records/summary", headers={"Authorization": authorization})
    assert response.status_code == 401


@pytest.mark.parametrize("key", [b"a\x00b", b"caf\xe9", b" ", b"k" * 129])
def test_an_idempotency_key_must_be_printable_ascii(
    client: TestClient, credential: str, key: bytes
) -> None:
    headers = {**bearer(credential), "Idempotency-Key": key}
    response = client.post("/v1/records", json=batch(), headers=headers)  # type: ignore[arg-type]
    assert response.status_code == 422, response.text


def test_an_upload_without_an_idempotency_key_is_invalid(
    client: TestClient, credential: str
) -> None:
    response = client.post("/v1/records", json=batch(), headers=bearer(credential))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "idempotency-key"]


UNSTORABLE = ["abcdefgh\\u0000", "abcdefgh\\ud800", "abcdefgh\\udfff\\ud800"]


@pytest.mark.parametrize("text", UNSTORABLE)
@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/v1/records", '{"removed_children": ["%s"]}'),
        ("/v1/records", '{"removed_episodes": ["ok-ref-1", "%s"]}'),
        ("/v1/events", '{"ref": "%s", "kind": "M", "start": "2026-11-25"}'),
        ("/v1/notifications/ack", '{"ids": ["%s"]}'),
    ],
)
def test_unstorable_text_in_a_body_is_an_invalid_request(
    client: TestClient, credential: str, path: str, template: str, text: str
) -> None:
    headers = {**bearer(credential), "Idempotency-Key": "k1", "Content-Type": "application/json"}
    response = client.post(path, content=(template % text).encode(), headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_request"


def test_a_surrogate_pair_is_ordinary_text(client: TestClient, credential: str) -> None:
    headers = {**bearer(credential), "Idempotency-Key": "k1", "Content-Type": "application/json"}
    body = b'{"removed_children": ["abcdefgh\\ud83d\\ude00"]}'
    response = client.post("/v1/records", content=body, headers=headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("body", [b'{"ids": ["\xed\xa0\x80"]}', b"\xff\xfe", b"[" * 100_000])
def test_an_unreadable_body_is_an_invalid_request(
    client: TestClient, credential: str, body: bytes
) -> None:
    headers = {**bearer(credential), "Content-Type": "application/json"}
    response = client.post("/v1/notifications/ack", content=body, headers=headers)
    assert response.status_code == 422, response.text


def test_an_epoch_beyond_a_database_integer_is_an_invalid_request(
    client: TestClient, credential: str
) -> None:
    episode = CouncilSide(HOME, SharedKeyring.generate()).event(person())
    sent = episode.model_dump(mode="json")
    sent["match_keys"][0]["epoch"] = 2**40
    response = client.post("/v1/events", json=sent, headers=bearer(credential))
    assert response.status_code == 422, response.text


def test_concurrent_uses_of_one_idempotency_key_get_the_one_stored_answer(
    hub_app: FastAPI, credential: str
) -> None:
    home = CouncilSide(HOME, SharedKeyring.generate())
    sent = batch(children=[home.child(person()) for _ in range(20)])
    headers = {**bearer(credential), "Idempotency-Key": "nightly-1"}
    start = threading.Barrier(6)
    answers: list[tuple[int, dict[str, object]]] = []

    def upload() -> None:
        client = TestClient(hub_app)
        start.wait()
        response = client.post("/v1/records", json=sent, headers=headers)
        answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=upload) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in answers] == [200] * 6, answers
    assert {receipt["children"] for _, receipt in answers} == {20}
    assert sorted(receipt["replayed"] for _, receipt in answers) == [False] + [True] * 5


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b'{"children": [{"ref": "short"}]}', ["body", "children", 0, "ref"]),
        (b'{"removed_children": ["abcdefgh\\u0000"]}', ["body", "removed_children"]),
        (b'{"children": [', ["body"]),
        (b"", ["body"]),
    ],
)
def test_an_invalid_batch_is_refused_with_where_it_is_wrong(
    client: TestClient, credential: str, body: bytes, where: list[object]
) -> None:
    """The batch is parsed from the request's bytes (hub/api/bodies.py): its refusals name
    their places under ``body`` as FastAPI's own do."""
    headers = {**bearer(credential), "Idempotency-Key": "k1", "Content-Type": "application/json"}
    response = client.post("/v1/records", content=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == where
