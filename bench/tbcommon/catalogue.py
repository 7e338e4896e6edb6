"""The kernel catalogue: what `triobench-<backend> --list --json` prints (docs/results-schema.md).

The C kernel descriptors are the only place kernel facts live; the sweep and
the plots read them from here and keep none of their own. This module knows
the schema name, checks a catalogue (``validate`` returns a list of problems,
empty when it is sound) and does the little arithmetic the facts imply.
"""

import math

SCHEMA = "triobench.catalogue/1"
KINDS = ("scaling", "micro", "probe")
WEAK_RULES = ("power", "log2", "fixed")
# The kinds a sweep plans by default ("all"); probes are calibration runs (bench/triobench_sweep/probes.py).
PLANNED_KINDS = ("scaling", "micro")

_TOP = {"schema": str, "program": str, "backend": str, "suite_version": str, "machine": dict, "kernels": list}
_KERNEL = {"name": str, "summary": str, "unit": str, "kind": str, "min_pes": int, "min_ranks": int,
           "weak": dict, "memory_bound": bool, "size": dict, "sweep_params": list, "options": list,
           "params": list, "default_iters": int, "default_warmup": int}
_NULLABLE = {"size_param": str, "series": str}
# Revision 2 (a compatible addition to triobench.catalogue/1): each kernel's "model", what the
# counts of its records' "model_inputs" mean in this executable's model (docs/results-schema.md).
_MODEL = {"per_pe": str, "messages": str, "collectives": str, "team": str}


def _is(value, kind):
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _type_name(kind):
    return {str: "a string", int: "an integer", bool: "true or false", dict: "an object",
            list: "a list"}[kind]


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_weak(where, weak):
    rule = weak.get("rule")
    if rule not in WEAK_RULES:
        return [f"{where}.weak.rule is {rule!r}, not one of {', '.join(WEAK_RULES)}"]
    need = {"power": "exponent", "log2": "step"}.get(rule)
    if need and not (_number(weak.get(need)) and math.isfinite(weak[need])):
        return [f"{where}.weak: rule {rule} needs a number '{need}'"]
    return []


def _check_size(where, size):
    problems = []
    if "default" not in size or "auto" not in size:
        problems.append(f"{where}.size needs 'default' and 'auto'")
    auto = size.get("auto")
    if auto is not None and not (isinstance(auto, dict) and "value" in auto and isinstance(auto.get("rule"), str)):
        problems.append(f"{where}.size.auto must be null or an object with 'value' and 'rule'")
    return problems


def _check_fields(obj, fields, where, nullable=False):
    """Problems of the required fields of obj (key -> type); nullable: null is allowed too."""
    problems = []
    for key, kind in fields.items():
        if key not in obj:
            problems.append(f"{where} lacks '{key}'")
        elif not (_is(obj[key], kind) or (nullable and obj[key] is None)):
            problems.append(f"{where}.{key} must be {'null or ' if nullable else ''}{_type_name(kind)}")
    return problems


def _check_model(where, model):
    """Problems of a kernel's "model" entry: absent before revision 2, null for a kernel without one."""
    if model is None:
        return []
    if not isinstance(model, dict):
        return [f"{where}.model must be null or an object"]
    problems = _check_fields(model, _MODEL, f"{where}.model")
    if not (model.get("estimates") is None or isinstance(model.get("estimates"), str)):
        problems.append(f"{where}.model.estimates must be null or a string")
    return problems


def _check_kernel(i, k):
    if not isinstance(k, dict):
        return [f"kernels[{i}] is not an object"]
    where = f"kernel {k['name']}" if isinstance(k.get("name"), str) else f"kernels[{i}]"
    problems = _check_fields(k, _KERNEL, where) + _check_fields(k, _NULLABLE, where, nullable=True)
    if problems:
        return problems
    if k["kind"] not in KINDS:
        problems.append(f"{where}.kind is {k['kind']!r}, not one of {', '.join(KINDS)}")
    for key in ("min_pes", "min_ranks"):
        if k[key] < 1:
            problems.append(f"{where}.{key} must be at least 1")
    problems += _check_weak(where, k["weak"])
    problems += _check_model(where, k.get("model"))
    problems += _check_size(where, k["size"])
    names = [p.get("name") for p in k["params"] if isinstance(p, dict)]
    if len(names) != len(k["params"]) or not all(isinstance(n, str) for n in names):
        problems.append(f"{where}.params: every parameter must be an object with a name")
    if k["size_param"] is not None and k["size_param"] not in names:
        problems.append(f"{where}.size_param '{k['size_param']}' is not one of its params")
    if k["series"] is not None and k["series"] not in names:
        problems.append(f"{where}.series '{k['series']}' is not one of its params")
    for s in k["sweep_params"]:
        if s not in names:
            problems.append(f"{where}.sweep_params names '{s}', which is not one of its params")
    return problems


def validate(cat):
    """The problems of a catalogue (a list of one-line strings); [] when it follows the schema."""
    if not isinstance(cat, dict):
        return ["the catalogue is not a JSON object"]
    if cat.get("schema") != SCHEMA:
        return [f"unknown catalogue schema {cat.get('schema')!r} (this sweep reads {SCHEMA})"]
    problems = _check_fields(cat, _TOP, "the catalogue")
    if problems:
        return problems
    if "revision" in cat and not (_is(cat["revision"], int) and cat["revision"] >= 1):
        problems.append("revision must be an integer of at least 1")
    for key in ("llc_bytes", "mem_available"):
        value = cat["machine"].get(key, "missing")
        if value is not None and not _number(value):
            problems.append(f"machine.{key} must be a number or null")
    seen = set()
    for i, k in enumerate(cat["kernels"]):
        problems += _check_kernel(i, k)
        name = k.get("name") if isinstance(k, dict) else None
        if name in seen:
            problems.append(f"kernel {name} is listed twice")
        seen.add(name)
    return problems


def by_name(cat):
    """name -> kernel entry of a (valid) catalogue, in the executable's order."""
    return {k["name"]: k for k in cat.get("kernels", [])}


# The facts a test double must share with the real executables (bench/tests/test_real_binaries.py).
FACTS = ("kind", "unit", "size_param", "series", "min_pes", "min_ranks", "weak", "memory_bound", "sweep_params")


def facts(kernel):
    return {key: kernel.get(key) for key in FACTS}


def weak_size(weak, base, pes):
    """The size at `pes` PEs under weak scaling by the kernel's rule; `base` is the size at 1 PE.

    power e: base * P**e; log2 step: base + step * log2(P); fixed (or a size that is
    not a number, such as a class name): base.
    """
    rule = (weak or {}).get("rule")
    if rule not in ("power", "log2") or not _number(base):
        return base
    if rule == "log2":
        value = base + weak["step"] * math.log2(pes)
    else:
        value = base * pes ** weak["exponent"]
    return int(round(value)) if isinstance(base, int) else value


def weak_rule_text(weak):
    rule = (weak or {}).get("rule")
    if rule == "power":
        return f"size x P^{weak['exponent']:.4g}"
    if rule == "log2":
        return f"size + {weak['step']:g} x log2(P)"
    return "size fixed"
