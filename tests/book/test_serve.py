"""`constructeur.serve` without a browser or a kernel: when it rebuilds, what its site serves."""

import functools
import http.client
import http.server
import json
import os
import threading

import pytest

from constructeur import serve


@pytest.fixture
def built(tmp_path):
    """A repository root whose book was built once (the placeholder written by the build)."""
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.ipynb").write_text("{}")
    placeholder = tmp_path / serve.SITE / "live-server.json"
    placeholder.parent.mkdir(parents=True)
    placeholder.write_text(json.dumps({"baseUrl": None, "token": None}))
    os.utime(tmp_path / "book" / "a.ipynb", (1, 1))
    return tmp_path


def touch_later(path, built):
    later = (built / serve.SITE / "live-server.json").stat().st_mtime + 10
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.utime(path, (later, later))


def test_a_book_never_built_is_built(tmp_path):
    (tmp_path / "book").mkdir()
    assert serve.needs_build(tmp_path)


@pytest.mark.parametrize("source", ["book/a.ipynb", "book/glossaire.md", "_config.yml", "_ext/live_code/static/live-code.js"])
def test_a_newer_source_means_a_rebuild(built, source):
    assert not serve.needs_build(built)
    touch_later(built / source, built)
    assert serve.needs_build(built)


@pytest.mark.parametrize("written", ["book/x.pt", "book/.ipynb_checkpoints/a-checkpoint.ipynb", "_ext/__pycache__/m.pyc"])
def test_what_a_kernel_or_python_writes_is_not_a_source(built, written):
    touch_later(built / written, built)
    assert not serve.needs_build(built)


@pytest.fixture
def site(built):
    """The live site's server alone, on a free port, with a server file holding a token."""
    server_file = built / serve.SERVER_FILE
    server_file.write_text(json.dumps({"baseUrl": "http://127.0.0.1:1/", "token": "secret"}))
    handler = functools.partial(serve.SiteHandler, directory=str(built / serve.SITE), server_file=server_file)
    server = http.server.ThreadingHTTPServer((serve.HOST, 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def get(server, path, host=None):
    connection = http.client.HTTPConnection(serve.HOST, server.server_port, timeout=10)
    connection.request("GET", path, headers={"Host": host or f"{serve.HOST}:{server.server_port}"})
    return connection.getresponse()


def test_the_site_hands_the_server_file_to_the_page_not_to_a_cache(site):
    answer = get(site, "/live-server.json")
    assert answer.status == 200 and answer.getheader("Cache-Control") == "no-store"
    assert json.loads(answer.read())["token"] == "secret"
    assert get(site, "/live-server.json", host=f"localhost:{site.server_port}").status == 200


def test_without_the_server_file_the_site_serves_the_published_placeholder(site, built):
    (built / serve.SERVER_FILE).unlink()
    assert json.loads(get(site, "/live-server.json").read()) == {"baseUrl": None, "token": None}


def test_another_host_name_gets_nothing(site):
    """A foreign domain re-pointed at 127.0.0.1 (DNS rebinding) must not read the token."""
    answer = get(site, "/live-server.json", host=f"attacker.example:{site.server_port}")
    assert answer.status == 403 and b"secret" not in answer.read()


def test_outside_the_repository_it_says_where_to_run_it(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert serve.main([]) == 2
    assert "depuis la racine du dépôt" in capsys.readouterr().err


class FakeLiveBook:
    """Stands for `serve.live_book` in the tests of `serve.main`: no server is started."""

    def __init__(self, error=None):
        self.error = error

    def __call__(self, root, port):
        self.port = port
        return self

    def __enter__(self):
        if self.error:
            raise self.error
        return serve.LiveBook("http://127.0.0.1:8765/", "http://127.0.0.1:8766/", "t")

    def __exit__(self, *exc):
        return False


def interrupted_wait(self):
    raise KeyboardInterrupt


def test_main_prints_the_one_address_and_stops_on_ctrl_c(built, monkeypatch, capsys):
    (built / "_config.yml").write_text("")
    monkeypatch.chdir(built)
    fake = FakeLiveBook()
    monkeypatch.setattr(serve, "live_book", fake)
    monkeypatch.setattr(threading.Event, "wait", interrupted_wait)
    assert serve.main(["--port", "8765"]) == 0
    assert fake.port == 8765
    assert "sont servis à l'adresse\u00a0:\n  http://127.0.0.1:8765/\n" in capsys.readouterr().out


def test_main_says_why_the_live_mode_did_not_start(built, monkeypatch, capsys):
    (built / "_config.yml").write_text("")
    monkeypatch.chdir(built)
    monkeypatch.setattr(serve, "live_book", FakeLiveBook(RuntimeError("le serveur Jupyter ne répond pas après 60 s")))
    assert serve.main([]) == 1
    assert "n'a pas pu démarrer\u00a0: le serveur Jupyter ne répond pas" in capsys.readouterr().err


def test_main_builds_the_book_first_and_stops_if_the_build_fails(built, monkeypatch, capsys):
    (built / "_config.yml").write_text("")
    touch_later(built / "book" / "a.ipynb", built)
    monkeypatch.chdir(built)
    ran = []
    monkeypatch.setattr(serve.subprocess, "run", lambda command, cwd: ran.append(command) or serve.subprocess.CompletedProcess(command, 2))
    monkeypatch.setattr(serve, "live_book", FakeLiveBook(AssertionError("ne doit pas démarrer")))
    assert serve.main([]) == 1
    assert ran == [["make", "book"]]
    assert "La construction du livre a échoué" in capsys.readouterr().err


@pytest.mark.slow
def test_live_book_starts_a_jupyter_server_that_wants_its_token(built):
    with serve.live_book(built) as book:
        handed = json.loads(get_url(book.url + "live-server.json").read())
        assert handed == {"baseUrl": book.jupyter_url, "token": book.token}
        assert oct((built / serve.SERVER_FILE).stat().st_mode & 0o777) == "0o600"
        jupyter = book.jupyter_url.removeprefix("http://").strip("/")
        assert get_url(f"http://{jupyter}/api/kernels").status == 403
        assert get_url(f"http://{jupyter}/api/kernels", {"Authorization": f"token {book.token}"}).status == 200
        assert len(book.token) >= 32
    assert not (built / serve.SERVER_FILE).exists()


def get_url(url, headers=None):
    host, path = url.removeprefix("http://").split("/", 1)
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("GET", "/" + path, headers=headers or {})
    return connection.getresponse()
