"""Readers match while curators create, edit and import: no 5xx, no lost update,
and every match answer reflects one consistent store version."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict

import httpx
import pytest

# Five unrelated claims that an atomic import rewrites together; a consistent
# snapshot shows all five at the same generation.
GROUP = {
    "group-bleach": "Drinking bleach cures the common cold within a single day.",
    "group-wall": "The Great Wall of China is visible from the Moon with the naked eye.",
    "group-goldfish": "Goldfish only have a memory span of three seconds.",
    "group-lightning": "Lightning never strikes the same place twice.",
    "group-bulls": "Bulls become enraged when they see the colour red.",
}
PAGE = {"url": "https://example.org/myths",
        "blocks": [{"id": cid, "text": f"My uncle insists that {text.lower()} Nobody believes him."}
                   for cid, text in GROUP.items()]}


def group_jsonl(generation: int) -> bytes:
    rows = [{"id": cid, "text": text, "rating": "false", "note": f"Generation {generation}: this is a myth.",
             "sources": [{"url": "https://www.nasa.gov/", "title": "NASA"}]} for cid, text in GROUP.items()]
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def generation_of(note: str) -> int:
    return int(note.split(":")[0].removeprefix("Generation "))


def test_concurrent_patches_lose_no_update(server, curator):
    """N threads edit one claim at the version they read, retrying on 409.
    Every acknowledged edit is one version and one history entry; none is lost."""
    url = "/v1/claims/cancer-fungus"
    threads, per_thread = 6, 5
    start = threading.Barrier(threads)
    acked: list[tuple[int, str]] = []   # (version, note) of each 200
    conflicts = [0]
    statuses: list[int] = []
    lock = threading.Lock()

    def edit(worker: int) -> None:
        with httpx.Client(base_url=server.url, headers=curator, timeout=30) as client:
            start.wait()
            done = 0
            while done < per_thread:
                version = client.get(url).json()["version"]
                note = f"Edited by worker {worker}, edit {done}."
                response = client.patch(url, json={"note": note}, headers={"If-Match": f'"{version}"'})
                with lock:
                    statuses.append(response.status_code)
                if response.status_code == 200:
                    assert response.json()["version"] == version + 1
                    with lock:
                        acked.append((version + 1, note))
                    done += 1
                else:
                    assert response.status_code == 409, response.text
                    assert response.json()["extra"]["current_version"] > version
                    with lock:
                        conflicts[0] += 1

    workers = [threading.Thread(target=edit, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert all(s in (200, 409) for s in statuses)
    assert len(acked) == threads * per_thread
    versions = sorted(v for v, _ in acked)
    assert versions == list(range(2, 2 + threads * per_thread))  # each version granted exactly once

    claim = server.client.get(url, headers=curator).json()
    assert claim["version"] == 1 + threads * per_thread
    assert claim["note"] == max(acked)[1]
    history = server.client.get(f"{url}/history", headers=curator).json()["items"]
    updates = [(h["version"], h["after"]["note"]) for h in history if h["action"] == "update"]
    assert sorted(updates) == sorted(acked)
    # Each update's "before" is the previous acknowledged state: nothing was overwritten unseen.
    by_version = dict(acked)
    for h in history:
        if h["action"] == "update" and h["version"] > 2:
            assert h["before"]["note"] == by_version[h["version"] - 1]


def test_one_edit_wins_each_round(server, curator):
    """All threads read the same version; exactly one edit wins each round."""
    url = "/v1/claims/vaccines-autism"
    threads = 8
    for round_ in range(3):
        version = server.client.get(url, headers=curator).json()["version"]
        barrier = threading.Barrier(threads)
        results: list[int] = [0] * threads

        def edit(i: int) -> None:
            with httpx.Client(base_url=server.url, headers=curator, timeout=30) as client:
                barrier.wait()
                results[i] = client.patch(url, json={"note": f"Round {round_} by {i}."},
                                          headers={"If-Match": f'"{version}"'}).status_code

        workers = [threading.Thread(target=edit, args=(i,)) for i in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=60)
        assert sorted(results) == [200] + [409] * (threads - 1)
    history = server.client.get(f"{url}/history", headers=curator).json()["items"]
    assert [h["version"] for h in history] == [1, 2, 3, 4]


@pytest.mark.slow
def test_readers_see_consistent_snapshots_while_curators_write(server, curator):
    first = server.client.post("/v1/import?atomic=true", content=group_jsonl(0), headers=curator)
    assert first.status_code == 200 and first.json()["created"] == len(GROUP), first.text
    stop = threading.Event()
    errors: list[str] = []
    seen: list[tuple[int, int]] = []   # (store_version, generation) of each match answer
    acked_generations: list[int] = []

    def record_error(what: str, response: httpx.Response) -> None:
        if response.status_code >= 500:
            errors.append(f"{what}: {response.status_code} {response.text[:200]}")

    def reader() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            while not stop.is_set():
                response = client.post("/v1/match", json=PAGE)
                record_error("match", response)
                if response.status_code != 200:
                    errors.append(f"match: {response.status_code}")
                    continue
                body = response.json()
                group = {m["claim"]["id"]: generation_of(m["claim"]["note"]) for m in body["matches"]
                         if m["claim"]["id"] in GROUP}
                if set(group) != set(GROUP) or len(set(group.values())) != 1:
                    errors.append(f"torn snapshot at {body['store_version']}: {group}")
                else:
                    seen.append((body["store_version"], next(iter(group.values()))))
                record_error("similar", client.post("/v1/claims/similar", json={"text": GROUP["group-wall"]}))
                record_error("feedback", client.post("/v1/feedback", json={
                    "claim_id": "group-wall", "verdict": "helpful", "quote": "the wall"}))

    def importer() -> None:
        with httpx.Client(base_url=server.url, headers=curator, timeout=30) as client:
            generation = 0
            while not stop.is_set():
                generation += 1
                response = client.post("/v1/import?atomic=true", content=group_jsonl(generation))
                record_error("import", response)
                if response.status_code == 200 and response.json()["updated"] == len(GROUP):
                    acked_generations.append(generation)
                else:
                    errors.append(f"import: {response.status_code} {response.text[:200]}")

    def editor() -> None:
        with httpx.Client(base_url=server.url, headers=curator, timeout=30) as client:
            n = 0
            while not stop.is_set():
                n += 1
                created = client.post("/v1/claims", json={
                    "text": f"Eating {n} carrots a day lets you see in complete darkness.", "rating": "false",
                    "note": "Carrots supply vitamin A but do not give night vision.",
                    "sources": [{"url": "https://www.nei.nih.gov/", "title": "NEI"}]})
                record_error("create", created)
                if created.status_code == 201:
                    claim = created.json()
                    record_error("patch", client.patch(f"/v1/claims/{claim['id']}", json={"tags": ["food"]},
                                                       headers={"If-Match": '"1"'}))
                    if n % 3 == 0:
                        record_error("retract", client.delete(f"/v1/claims/{claim['id']}",
                                                              headers={"If-Match": '"2"'}))
                record_error("list", client.get("/v1/claims", params={"q": "carrots", "limit": 5}))

    threads = [threading.Thread(target=reader) for _ in range(3)]
    threads += [threading.Thread(target=importer), threading.Thread(target=editor)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (len(acked_generations) < 15 or len(seen) < 60):
        time.sleep(0.1)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[:5]
    assert len(acked_generations) >= 5 and len(seen) >= 20
    # One store version means one state: never two generations for the same version,
    # and a later version never shows an older generation.
    by_version: dict[int, set[int]] = defaultdict(set)
    for version, generation in seen:
        by_version[version].add(generation)
    assert all(len(g) == 1 for g in by_version.values()), by_version
    ordered = [next(iter(by_version[v])) for v in sorted(by_version)]
    assert ordered == sorted(ordered)
    # After the writers stop, readers see the last acknowledged generation.
    final = server.client.post("/v1/match", json=PAGE).json()
    assert {generation_of(m["claim"]["note"]) for m in final["matches"]} == {acked_generations[-1]}
