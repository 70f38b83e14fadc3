"""Walks a survey list by cursor as a sync client would: GET /api/surveys?limit=20, then next_cursor, N times;
prints the cursor of page N + 1. Usage: walk.py <base url> <key> <org id> <pages>"""
import http.client
import json
import sys
import urllib.parse

base, key, org, pages = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
url = urllib.parse.urlsplit(base)
connection = http.client.HTTPConnection(url.hostname, url.port)
headers = {"Authorization": f"Bearer {key}", "X-Org-Id": org}
cursor = None
for page in range(pages):
    path = "/api/surveys?limit=20" + (f"&cursor={cursor}" if cursor else "")
    connection.request("GET", path, headers=headers)
    answer = connection.getresponse()
    body = answer.read()
    if answer.status != 200:
        sys.exit(f"page {page + 1}: {answer.status} {body[:300]!r}")
    cursor = json.loads(body)["next_cursor"]
    if not cursor:
        sys.exit(f"the list ended at page {page + 1}")
print(cursor)
