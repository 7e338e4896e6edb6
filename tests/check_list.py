#!/usr/bin/env python3
"""`--list --json` is the catalogue of schema "triobench.catalogue/1"
(docs/results-schema.md) and agrees with the plain `--list`.

    check_list.py EXECUTABLE            run it and check its catalogue
    check_list.py --file CATALOGUE.json check a saved catalogue (e.g. a test double's)

validate_catalogue(obj) is importable: it raises ValueError naming the first
field that breaks the schema."""
import json
import subprocess
import sys

SCHEMA = "triobench.catalogue/1"
KINDS = ("scaling", "micro", "probe")
AUTO_RULE = "working set >= 4 x LLC (STREAM rule), capped by free memory"


def _need(cond, where, what):
    if not cond:
        raise ValueError(f"{where}: {what}")


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_keys(obj, keys, where):
    _need(isinstance(obj, dict), where, "not an object")
    missing = [k for k in keys if k not in obj]
    _need(not missing, where, f"missing {', '.join(missing)}")


def _check_param(p, where):
    _check_keys(p, ("name", "help", "type", "default"), where)
    _need(p["type"] in ("int", "choice"), where, f"type {p['type']!r}")
    if p["type"] == "choice":
        _need(isinstance(p.get("choices"), list) and p["choices"], where, "choices")
        _need(p["default"] in p["choices"], where, "default not a choice")
    else:
        _need(_is_int(p.get("min")) and _is_int(p.get("max")) and p["min"] <= p["max"], where,
              "min/max")
        _need(p["default"] is None or (_is_int(p["default"]) and p["min"] <= p["default"] <= p["max"]),
              where, "default out of range")
        for name, value in p.get("names", {}).items():
            _need(_is_int(value), where, f"name {name} is not an int")


def _check_weak(w, where):
    _need(isinstance(w, dict), where, "weak is not an object")
    rule = w.get("rule")
    if rule == "power":
        _need(_is_number(w.get("exponent")) and w["exponent"] > 0, where, "power needs an exponent")
    elif rule == "log2":
        _need(_is_number(w.get("step")) and w["step"] > 0, where, "log2 needs a step")
    else:
        _need(rule == "fixed", where, f"weak rule {rule!r}")


def _check_size(k, machine, where):
    size = k["size"]
    _check_keys(size, ("default", "auto"), where)
    params = {p["name"]: p for p in k["params"]}
    if k["size_param"] is None:
        _need(size["default"] is None and size["auto"] is None, where, "no size param: no sizes")
        return
    spec = params[k["size_param"]]
    _need(size["default"] == spec["default"], where, "size.default is not the parameter's default")
    auto = size["auto"]
    if auto is None:
        return
    _check_keys(auto, ("value", "rule"), where + ".auto")
    _need(auto["rule"] == AUTO_RULE, where, f"auto rule {auto['rule']!r}")
    if spec["type"] == "choice":
        _need(auto["value"] in spec["choices"], where, "auto value not a choice")
    else:
        _need(_is_int(auto["value"]) and spec["min"] <= auto["value"] <= spec["max"], where,
              "auto value out of range")
    if "working_set" in auto and machine["llc_bytes"] and machine["mem_available"]:
        ws = auto["working_set"]
        _need(ws >= 4 * machine["llc_bytes"] or ws <= machine["mem_available"], where,
              "auto working set neither 4 x LLC nor capped by memory")


def validate_catalogue(cat):
    """Raise ValueError unless `cat` is a catalogue of schema triobench.catalogue/1."""
    _check_keys(cat, ("schema", "program", "backend", "suite_version", "machine", "kernels"), "catalogue")
    _need(cat["schema"] == SCHEMA, "catalogue", f"schema {cat['schema']!r}")
    _need(cat["backend"] in ("serial", "omp", "mpi", "hybrid"), "catalogue", "backend")
    _need(cat["program"] == "triobench-" + cat["backend"], "catalogue", "program")
    _check_keys(cat["machine"], ("llc_bytes", "mem_available"), "machine")
    for key in ("llc_bytes", "mem_available"):
        v = cat["machine"][key]
        _need(v is None or (_is_number(v) and v > 0), "machine", key)
    _need(isinstance(cat["kernels"], list) and cat["kernels"], "catalogue", "no kernels")
    seen = set()
    for k in cat["kernels"]:
        where = f"kernel {k.get('name')!r}"
        _check_keys(k, ("name", "summary", "unit", "kind", "size_param", "series", "min_pes",
                        "min_ranks", "weak", "memory_bound", "size", "sweep_params", "options",
                        "params", "default_iters", "default_warmup"), where)
        _need(k["name"] not in seen, where, "listed twice")
        seen.add(k["name"])
        _need(k["kind"] in KINDS, where, f"kind {k['kind']!r}")
        _need(isinstance(k["params"], list) and k["params"], where, "no params")
        for p in k["params"]:
            _check_param(p, f"{where} param {p.get('name')!r}")
        names = [p["name"] for p in k["params"]]
        _need(k["size_param"] is None or k["size_param"] in names, where, "size_param not a param")
        _need(k["series"] is None or k["series"] in names, where, "series not a param")
        _need(k["size_param"] is None or k["series"] is None, where, "both size_param and series")
        for key in ("min_pes", "min_ranks", "default_iters"):
            _need(_is_int(k[key]) and k[key] >= 1, where, key)
        _need(_is_int(k["default_warmup"]) and k["default_warmup"] >= 0, where, "default_warmup")
        _need(isinstance(k["memory_bound"], bool), where, "memory_bound")
        _check_weak(k["weak"], where)
        _check_size(k, cat["machine"], where + " size")
        _need(isinstance(k["sweep_params"], list) and all(s in names for s in k["sweep_params"]),
              where, "sweep_params must name params")
        _need(isinstance(k["options"], list), where, "options")
        for o in k["options"]:
            _check_keys(o, ("name", "type", "help"), f"{where} option")
            _need(o["type"] in ("flag", "number", "string", "choice"), where,
                  f"option type {o['type']!r}")
            _need(o["type"] != "choice" or o.get("choices"), where, "choice option without choices")
    return cat


# The facts the suite has always had (issue 14): the catalogue must keep them.
FACTS = {
    "stencil": {"weak": {"rule": "power", "exponent": 0.5}, "memory_bound": True, "kind": "scaling"},
    "halo": {"weak": {"rule": "power", "exponent": 0.5}, "kind": "micro"},
    "transpose": {"weak": {"rule": "power", "exponent": 0.5}, "memory_bound": True},
    "nstream": {"weak": {"rule": "power", "exponent": 1}, "memory_bound": True},
    "dgemm": {"memory_bound": False},
    "ep": {"weak": {"rule": "log2", "step": 1}, "memory_bound": False},
    "cg": {"weak": {"rule": "fixed"}},
    "pingpong": {"weak": {"rule": "fixed"}, "min_pes": 2, "min_ranks": 2, "kind": "micro"},
    "barrier": {"weak": {"rule": "fixed"}, "kind": "micro"},
    "allreduce": {"weak": {"rule": "fixed"}, "kind": "micro"},
}


def check_executable(exe):
    cat = validate_catalogue(json.loads(subprocess.run([exe, "--list", "--json"], capture_output=True,
                                                       text=True, check=True).stdout))
    plain = subprocess.run([exe, "--list"], capture_output=True, text=True, check=True).stdout
    kernels = {k["name"]: k for k in cat["kernels"]}
    ep = kernels.get("ep")
    if ep:  # ep owns fault tolerance: its options come from its extension
        _need({"inject-fault", "ft", "ft-timeout", "checkpoint", "checkpoint-interval", "resume"}
              <= {o["name"] for o in ep["options"]}, "kernel 'ep'", "fault options missing")
    for name, facts in FACTS.items():
        if name not in kernels:
            continue
        for key, value in facts.items():
            _need(kernels[name][key] == value, f"kernel {name!r}", f"{key} is {kernels[name][key]!r}, "
                  f"expected {value!r}")
    dgemm = kernels.get("dgemm")
    if dgemm:
        _need(abs(dgemm["weak"].get("exponent", 0) - 1 / 3) < 1e-12, "kernel 'dgemm'", "weak exponent")
    for k in cat["kernels"]:
        _need(k["name"] in plain, "--list", f"{k['name']} missing")
        for p in k["params"]:
            _need("--" + p["name"] in plain, "--list", f"--{p['name']} missing")
        for o in k["options"]:
            _need("--" + o["name"] in plain, "--list", f"--{o['name']} missing")
        auto = k["size"]["auto"]
        if auto is not None:
            _need(f"--size auto: {k['size_param']}={auto['value']} here" in plain, "--list",
                  f"{k['name']}'s auto size missing")
    return cat


def main(argv):
    if len(argv) == 3 and argv[1] == "--file":
        with open(argv[2]) as f:
            cat = validate_catalogue(json.load(f))
    elif len(argv) == 2:
        cat = check_executable(argv[1])
    else:
        sys.exit("usage: check_list.py EXECUTABLE | --file CATALOGUE.json")
    print("catalogue ok:", cat["program"], ", ".join(k["name"] for k in cat["kernels"]))


if __name__ == "__main__":
    try:
        main(sys.argv)
    except ValueError as e:
        sys.exit(f"check_list.py: {e}")
