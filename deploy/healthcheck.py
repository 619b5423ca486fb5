#!/usr/bin/env python3
"""Ask the platform's /health/ from the machine it runs on, as nginx would:
exit 0 when it answers 200 "ok", else 1 saying why (docs/production.md#monitoring).

    python3 deploy/healthcheck.py [URL]     (default http://127.0.0.1:8000/health/)

Docker's HEALTHCHECK uses it, and so can a local monitor. It sends the first
name of ALLOWED_HOSTS as Host and X-Forwarded-Proto: https, which the platform
believes with BEHIND_TLS_PROXY=1; it follows no redirect. Standard library only."""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/health/"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect then raises HTTPError, reported below


def main(url: str) -> int:
    host = (os.environ.get("ALLOWED_HOSTS", "").split(",")[0] or "localhost").strip()
    request = urllib.request.Request(url, headers={"Host": host, "X-Forwarded-Proto": "https"})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as answer:
            body = json.loads(answer.read())
    except urllib.error.HTTPError as error:
        if error.code in (301, 302, 307, 308):
            print(f"redirected to {error.headers.get('Location')}: set BEHIND_TLS_PROXY=1")
        else:
            print(f"{error.code}: {error.read()[:300].decode(errors='replace')}")
        return 1
    except (OSError, ValueError) as error:
        print(f"no answer from {url}: {error}")
        return 1
    print(body.get("status"))
    return 0 if body.get("status") == "ok" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL))
