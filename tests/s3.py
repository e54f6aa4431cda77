"""A real S3-compatible server for the storage tests: moto's server mode (`python -m
moto.server`), started as its own process on a free port, and buckets on it."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

import boto3

PORTS = range(5600, 5700)  # the ports these tests may use
KEYS = {"AWS_ACCESS_KEY_ID": "safeloop-test", "AWS_SECRET_ACCESS_KEY": "safeloop-test-secret"}


def free_port(after: int = 0) -> int:
    for port in PORTS:
        if port <= after:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5600-5699")


@contextlib.contextmanager
def moto_server(log):
    """The server's endpoint URL while the block runs; the process is stopped after it."""
    port = free_port()
    with open(log, "ab") as out:
        process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(endpoint + "/moto-api/", timeout=2):  # noqa: S310
                    break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not start; see {log}") from None
                time.sleep(0.2)
        yield endpoint
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class Bucket:
    name: str
    endpoint: str

    @property
    def env(self) -> dict:
        """The environment that points SafeLoop's uploads at this bucket (settings.py)."""
        return {
            "SAFELOOP_S3_BUCKET": self.name,
            "SAFELOOP_S3_ENDPOINT_URL": self.endpoint,
            "SAFELOOP_S3_REGION": "us-east-1",
            **KEYS,
        }

    @property
    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
        )

    def stored(self) -> set[str]:
        """Every key in the bucket."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {o["Key"] for page in pages for o in page.get("Contents", [])}

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


def new_bucket(endpoint: str) -> Bucket:
    bucket = Bucket(f"safeloop-{uuid.uuid4().hex[:12]}", endpoint)
    bucket.client.create_bucket(Bucket=bucket.name)
    return bucket
