"""Load for the zero-downtime checks: steady GETs against the app while it rolls out and scales in.

Any non-2xx/3xx answer, reset or timeout counts as a failure in Locust's statistics; the verify
command fails on a single one. The host comes from the chart's LOCUST_HOST (zero-downtime-eks:addons.locust.targetHost).
"""
import os

from locust import HttpUser, between, task

# Path of the app under test; "/" is served by the default image.
TARGET_PATH = os.environ.get("TARGET_PATH", "/")


class AppUser(HttpUser):
    # A short think time keeps every pod busy enough that a dropped connection shows up.
    wait_time = between(0.1, 0.5)

    @task
    def get_app(self):
        # A fresh connection per request would hide keep-alive resets on terminating pods; reuse them.
        self.client.get(TARGET_PATH, name="app", timeout=10)
