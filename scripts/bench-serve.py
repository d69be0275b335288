#!/usr/bin/env python3
"""Live-preview benchmark (issue "A catalog, not a handful"): N synthetic guides
(scripts/gen-catalog.py) served by `permitroom serve --no-pdf`; prints the time to the first
page, the time from saving one guide's Markdown to the reload event on an open page (each of
SAVES saves, median and max), and the server's resident memory before and after them.
Usage: scripts/bench-serve.py N [SAVES]      e.g. scripts/bench-serve.py 1000 100
       PERMITROOM=target/release/permitroom for another build."""
import http.client, os, shutil, socket, statistics, subprocess, sys, tempfile, time

n = int(sys.argv[1])
saves = int(sys.argv[2]) if len(sys.argv) > 2 else 10
here = os.path.dirname(os.path.abspath(__file__))
binary = os.environ.get("PERMITROOM", os.path.join(here, "..", "target", "debug", "permitroom"))
work = tempfile.mkdtemp(prefix="permitroom-serve.", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
subprocess.run([sys.executable, os.path.join(here, "gen-catalog.py"), work, str(n)], check=True)
site = os.path.join(work, "site")
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
host = f"127.0.0.1:{port}"

def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

started = time.monotonic()
server = subprocess.Popen([binary, "serve", "-q", "--no-pdf", "--port", str(port), "--root", site],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/guides/g00000/index.html", headers={"Host": host})
            r = c.getresponse()
            body = r.read()
            if r.status == 200 and "基准事项 0".encode() in body:
                break
        except OSError:
            pass
        if server.poll() is not None:
            sys.exit("serve stopped")
        time.sleep(0.05)
    print(f"guides: {n}; first page after {time.monotonic() - started:.2f} s; RSS {rss_mb(server.pid):.0f} MB")
    events = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    events.request("GET", "/__permitroom/events", headers={"Host": host})
    stream = events.getresponse()

    def next_event():
        name = None
        while True:
            line = stream.fp.readline().decode()
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line == "\n" and name:
                return name

    while not stream.fp.readline().startswith(b"retry:"):
        pass
    overview = os.path.join(site, "guides", "g00000", "overview.md")
    original = open(overview, encoding="utf-8").read()
    latencies, before = [], rss_mb(server.pid)
    for i in range(saves):
        with open(overview, "w", encoding="utf-8") as f:
            f.write(original + f"\n第 {i} 次修改。\n")
        t0 = time.monotonic()
        while next_event() != "reload":
            pass
        latencies.append(time.monotonic() - t0)
    after = rss_mb(server.pid)
    print(f"save -> reload over {saves} saves: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms (includes the watcher's debounce)")
    print(f"RSS before the saves {before:.0f} MB, after {after:.0f} MB ({(after - before) / before * 100:+.1f} %)")
finally:
    server.terminate()
    server.wait()
    shutil.rmtree(work)
