"""Console sign-in helpers: the test password, a bearer header, the CSRF token of a page,
and a browser-like sign-in."""
from __future__ import annotations

import re

PASSWORD = "correct horse battery"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', html).group(1)


async def sign_in(client, username: str, password: str = PASSWORD):
    page = await client.get("/console/login")
    token = csrf_of(await page.text())
    return await client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf_token": token, "next": ""},
        allow_redirects=False,
    )
