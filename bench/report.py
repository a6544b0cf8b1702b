#!/usr/bin/env python3
"""The benchmark suite's report (python3 stdlib only).

  report.py start                          print the run-start line (machine, date, load
                                           average, git describe) for $BENCH_JSONL
  report.py finish JSONL BENCH_JSON [MD]   read the lines the bench scripts appended
                                           (bench/lib.sh), write BENCH_JSON, and regenerate
                                           MD's tables (when given)
  report.py markdown BENCH_JSON MD         regenerate MD's tables from BENCH_JSON alone

MD keeps everything outside the markers <!-- bench:begin --> and <!-- bench:end -->; between
them it gets one table per section (every row: wall and CPU seconds and MB/s, peak RSS), the
ratios grist / peer of each section (time per byte of input, and peak memory) and the notes.
"""
import datetime
import json
import os
import subprocess
import sys

BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def machine():
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    return {"cores": len(os.sched_getaffinity(0)), "memory_gib": round(mem / 2**30, 1),
            "cpu": cpu, "kernel": os.uname().release}


def git_describe():
    try:
        return subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty", "--tags"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def cmd_start():
    print(json.dumps({"type": "start", "date": now(), "load": loadavg(), "machine": machine(),
                      "git": git_describe(), "size": os.environ.get("BENCH_SIZE", "full"),
                      "reps": int(os.environ.get("BENCH_REPS", "3")),
                      "only": os.environ.get("BENCH_ONLY", "")}))


def per_byte(t, b):
    return t / b if b else t


def ratios(rows):
    """grist / peer for every grist and peer row of the same group with figures."""
    out = []
    for g in rows:
        if g["role"] != "grist" or g.get("wall_s") is None:
            continue
        for p in rows:
            if p["role"] != "peer" or p.get("group", "") != g.get("group", "") or p.get("wall_s") is None:
                continue
            # per byte when both know their input size (peers may count only the text)
            both = bool(g["bytes"]) and bool(p["bytes"])
            r = {"group": g.get("group", ""), "grist": g["name"], "peer": p["name"]}
            for k in ("wall_s", "cpu_s"):
                a, b = g.get(k), p.get(k)
                if a is None or b is None or b == 0:
                    r[k[:-2]] = None
                else:
                    r[k[:-2]] = round(per_byte(a, g["bytes"] if both else 0)
                                      / per_byte(b, p["bytes"] if both else 0), 3)
            a, b = g.get("peak_rss_mb"), p.get("peak_rss_mb")
            r["peak_rss"] = round(a / b, 3) if a is not None and b else None
            out.append(r)
    return out


def rate(b, t):
    return round(b / t / 1e6, 2) if b and t else None


def cmd_finish(jsonl, out_json, md=None):
    start, sections, order, scripts = None, {}, [], []
    with open(jsonl, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                e = json.loads(line)
            except json.JSONDecodeError as err:
                sys.exit("report.py: %s:%d: not JSON (%s)" % (jsonl, n, err))
            t = e.get("type")
            if t == "start":
                start = e
            elif t == "script":
                scripts.append({k: e[k] for k in ("script", "rc", "seconds") if k in e})
            elif t in ("section", "row", "note"):
                sid = e["section"]
                if sid not in sections:
                    sections[sid] = {"id": sid, "title": sid, "input": "", "target": "",
                                     "script": "", "rows": [], "notes": []}
                    order.append(sid)
                s = sections[sid]
                if t == "section":
                    for k in ("title", "input", "target", "script"):
                        s[k] = e.get(k, "")
                elif t == "note":
                    s["notes"].append({"group": e.get("group", ""), "text": e["text"]})
                else:
                    row = {k: v for k, v in e.items() if k not in ("type", "section")}
                    row["mb_s_wall"] = rate(row["bytes"], row.get("wall_s"))
                    row["mb_s_cpu"] = rate(row["bytes"], row.get("cpu_s"))
                    # a section run twice (a script run alone after the suite): the last wins
                    s["rows"] = [r for r in s["rows"] if (r.get("group"), r["name"]) !=
                                 (row.get("group"), row["name"])] + [row]
    if start is None:
        start = {"date": None, "load": None, "machine": machine(), "git": git_describe(),
                 "size": os.environ.get("BENCH_SIZE", "full"), "reps": None, "only": ""}
    for s in sections.values():
        s["ratios"] = ratios(s["rows"])
    doc = {"schema": 1, "machine": start["machine"],
           "run": {"started": start["date"], "finished": now(), "load_start": start["load"],
                   "load_end": loadavg(), "git": start["git"], "size": start["size"],
                   "reps": start["reps"], "only": start.get("only", ""), "scripts": scripts},
           "sections": [sections[k] for k in order]}
    tmp = out_json + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(tmp, out_json)
    if md:
        cmd_markdown(out_json, md)


def fnum(v, digits=None):
    if v is None:
        return "-"
    if digits is None:
        digits = 3 if abs(v) < 10 else 1 if abs(v) < 1000 else 0
    return "{:,.{}f}".format(v, digits)


def fratio(v):
    return "n/a" if v is None else "%sx" % fnum(v, 2)


def fmb(v):
    return fnum(v, 1 if v is not None and abs(v) < 100 else 0)


def cell(s):
    return str(s).replace("|", "\\|")


def section_md(s):
    out = ["### %s" % s["title"], ""]
    about = []
    if s.get("script"):
        about.append("`%s`, section `%s`." % (s["script"], s["id"]))
    if s.get("input"):
        about.append("Input: %s." % s["input"].rstrip("."))
    if s.get("target"):
        about.append("Target: %s." % s["target"].rstrip("."))
    if about:
        out += [" ".join(about), ""]
    rows = s["rows"]
    grouped = any(r.get("group") for r in rows)
    head = (["input"] if grouped else []) + ["run", "role", "wall s", "MB/s", "CPU s",
                                              "MB/s per CPU s", "peak MB"]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "|".join(["---"] * (len(head) - 5) + ["---:"] * 5) + "|")
    for r in rows:
        name = "`%s`" % r["name"].replace("`", "'")
        role = r["role"] + (" (%s)" % r["source"] if r.get("source") in ("reported", "derived") else "")
        if r.get("failed"):
            role += ", FAILED"
        c = ([cell(r.get("group", ""))] if grouped else []) + [
            cell(name), role, fnum(r.get("wall_s")), fnum(r.get("mb_s_wall"), 1),
            fnum(r.get("cpu_s")), fnum(r.get("mb_s_cpu"), 1), fmb(r.get("peak_rss_mb"))]
        out.append("| " + " | ".join(c) + " |")
    out.append("")
    if s["ratios"]:
        out.append("grist / peer, time per byte of input (below 1: grist is faster) and peak memory:")
        out.append("")
        for r in s["ratios"]:
            where = "[%s] " % r["group"] if r["group"] else ""
            out.append("- %s`%s` / `%s`: %s wall, %s CPU, %s peak memory" % (
                where, r["grist"], r["peer"], fratio(r["wall"]), fratio(r["cpu"]),
                fratio(r["peak_rss"])))
        out.append("")
    if s["notes"]:
        for n in s["notes"]:
            out.append("- %s%s" % ("[%s] " % n["group"] if n["group"] else "", n["text"]))
        out.append("")
    return out


def generated(doc):
    m, run = doc["machine"], doc["run"]
    load = lambda l: " / ".join("%.2f" % x for x in l) if l else "not recorded"
    out = [BEGIN,
           "<!-- generated by bench/report.py from bench.json; edit the prose outside these markers -->",
           ""]
    if run["size"] == "small":
        out += ["**BENCH_SIZE=small: every input shrunk to check the suite itself. These are not "
                "performance figures.**", ""]
    out += ["Run of %s (git `%s`), BENCH_SIZE=%s, median of %s runs after a warm-up unless a row "
            "says otherwise. Machine: %d cores, %s GiB, %s; load average (1/5/15 min) %s at the "
            "start, %s at the end." % (
                run["started"] or "?", run["git"] or "?", run["size"], run["reps"] or "?",
                m["cores"], m["memory_gib"], m["cpu"] or "unknown CPU", load(run["load_start"]),
                load(run["load_end"])), ""]
    failed = [x for x in run.get("scripts", []) if x.get("rc")]
    if failed:
        out += ["Failed scripts: " + ", ".join("`%s` (exit %s)" % (x["script"], x["rc"])
                                              for x in failed) + ".", ""]
    for s in doc["sections"]:
        out += section_md(s)
    out.append(END)
    return "\n".join(out)


def cmd_markdown(bench_json, md):
    with open(bench_json, encoding="utf-8") as f:
        doc = json.load(f)
    with open(md, encoding="utf-8") as f:
        text = f.read()
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        sys.exit("report.py: %s needs exactly one %s ... %s block" % (md, BEGIN, END))
    a = text.index(BEGIN)
    b = text.index(END) + len(END)
    new = text[:a] + generated(doc) + text[b:]
    tmp = md + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(new)
    os.replace(tmp, md)


def main(argv):
    if len(argv) >= 1 and argv[0] == "start" and len(argv) == 1:
        cmd_start()
    elif len(argv) in (3, 4) and argv[0] == "finish":
        cmd_finish(*argv[1:])
    elif len(argv) == 3 and argv[0] == "markdown":
        cmd_markdown(argv[1], argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
