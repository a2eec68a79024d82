"""A browser's part of the cluster journey, over plain HTTP: cookies, forms as a page offers them, the nodes.

`make cluster-test` (scripts/cluster.sh) starts the cluster and gives its addresses and process ids in
CLUSTER_* variables; `cluster()` reads them and fails loudly when one is missing.
"""

import os
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests

DEMO_PASSWORD = "demo-umkm-2026"  # README, "Demo logins"


@dataclass
class Cluster:
    node1: str
    node2: str
    node1_pid: int
    node2_pid: int
    worker_pids: list
    primary_url: str
    folder: Path


def cluster():
    """The running cluster, from the variables scripts/cluster.sh sets; an AssertionError names what is missing."""
    names = ["CLUSTER_NODE1", "CLUSTER_NODE2", "CLUSTER_NODE1_PID", "CLUSTER_NODE2_PID", "CLUSTER_WORKER_PIDS"]
    names += ["CLUSTER_PRIMARY_URL", "CLUSTER_DIR"]
    missing = [name for name in names if not os.environ.get(name)]
    assert not missing, f"run through `make cluster-test` (scripts/cluster.sh): {', '.join(missing)} not set"
    env = os.environ
    return Cluster(
        node1=env["CLUSTER_NODE1"].rstrip("/"),
        node2=env["CLUSTER_NODE2"].rstrip("/"),
        node1_pid=int(env["CLUSTER_NODE1_PID"]),
        node2_pid=int(env["CLUSTER_NODE2_PID"]),
        worker_pids=[int(pid) for pid in env["CLUSTER_WORKER_PIDS"].split()],
        primary_url=env["CLUSTER_PRIMARY_URL"],
        folder=Path(env["CLUSTER_DIR"]),
    )


#
# Forms as the page offers them
#


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list = field(default_factory=list)  # (name, value) pairs, in page order, as a browser would send them

    def data(self, **changes):
        """The fields as a browser submits them, with `changes` replacing (or adding) values by name; a list
        value gives the name several times (checkboxes, a multiple select)."""
        pairs = [(name, value) for name, value in self.fields if name not in changes]
        for name, value in changes.items():
            pairs += [(name, v) for v in value] if isinstance(value, list | tuple) else [(name, value)]
        return pairs

    def value(self, name):
        return next((value for key, value in self.fields if key == name), None)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.form, self.select, self.option, self.textarea = [], None, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = Form(a.get("action") or "", (a.get("method") or "get").lower(), a.get("enctype") or "")
            self.forms.append(self.form)
        elif self.form is None or a.get("disabled") is not None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("file", "submit", "button", "image", "reset"):
                self.form.fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self.select = {"name": a["name"], "multiple": "multiple" in a, "options": [], "selected": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
            self.select["options"].append(self.option)
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea" and self.textarea is not None:
            self.form.fields.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [o for o in options if o["selected"]] or ([] if self.select["multiple"] else options[:1])
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                self.form.fields.append((self.select["name"], value))
            self.select = None


def page_form(html):
    """The page's own POST form: not the log-out or language forms of the layout."""
    parser = _FormParser()
    parser.feed(html)
    forms = [f for f in parser.forms if f.method == "post" and f.action not in ("/keluar/", "/i18n/setlang/")]
    assert forms, "the page has no form of its own"
    return forms[0]


#
# The browser
#


class Browser:
    """One person's browser: one cookie jar, whichever node it talks to (all nodes are 127.0.0.1)."""

    def __init__(self):
        self.http = requests.Session()

    def get(self, url, **kwargs):
        return self.http.get(url, timeout=kwargs.pop("timeout", 60), **kwargs)

    def post(self, url, data, files=None, **kwargs):
        """A POST as the browser sends it from the page: with the CSRF cookie's form token and a Referer."""
        return self.http.post(
            url,
            data=data,
            files=files,
            headers={"Referer": url},
            allow_redirects=kwargs.pop("allow_redirects", False),
            timeout=kwargs.pop("timeout", 120),
            **kwargs,
        )

    def submit(self, url, files=None, **changes):
        """Open `url`, fill its form with `changes` (everything else as offered) and send it."""
        page = self.get(url)
        assert page.status_code == 200, (url, page.status_code)
        form = page_form(page.text)
        return self.post(urljoin(url, form.action) if form.action else url, form.data(**changes), files=files)

    def log_in(self, node, username):
        response = self.submit(f"{node}/masuk/", username=username, password=DEMO_PASSWORD)
        assert response.status_code == 302, f"log-in as {username} on {node}: {response.status_code}"
        assert "sessionid" in self.http.cookies
        return response


def wait_for(what, check, *, seconds, every=0.5):
    """Call `check()` until it returns something truthy (returned) or `seconds` pass (AssertionError)."""
    deadline, last = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"{what}: not after {seconds} s (last: {last!r})")


def links(html, pattern):
    """The distinct hrefs of `html` matching the regular expression `pattern`, in page order."""
    found = re.findall(r'href="(' + pattern + ')"', html)
    return list(dict.fromkeys(found))
