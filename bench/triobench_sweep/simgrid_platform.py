"""SimGrid platform files (SimGrid 3.32, <platform version="4.1">): the hosts and cores they describe,
their <config>, their digest. The SMPI launcher (smpi.py) places ranks by them; bench/calibrate writes them."""

import hashlib
import xml.etree.ElementTree as ET

from tbcommon.errors import UserError


def read_platform(path):
    """([(host, cores)], {config prop: value}) of a SimGrid platform file: its <host> and <cluster>
    elements in document order (a cluster's hosts are prefix + each number of radical + suffix)."""
    try:
        root = ET.parse(path).getroot()
    except OSError as e:
        raise UserError(f"cannot read platform {path}: {e.strerror}") from None
    except ET.ParseError as e:
        raise UserError(f"platform {path} is not XML: {e}") from None
    config = {p.get("id"): p.get("value") for c in root.iter("config") for p in c.iter("prop")}
    hosts = []
    try:
        for el in root.iter():
            cores = int(el.get("core", "1"))
            if el.tag == "host":
                hosts.append((el.get("id"), cores))
            elif el.tag == "cluster":
                for part in el.get("radical", "").split(","):
                    lo, _, hi = part.partition("-")
                    for i in range(int(lo), int(hi or lo) + 1):
                        hosts.append((f"{el.get('prefix', '')}{i}{el.get('suffix', '')}", cores))
    except ValueError:
        raise UserError(f"platform {path}: a core count or a cluster's radical is not a number") from None
    if not hosts or any(c < 1 for _, c in hosts):
        raise UserError(f"platform {path} describes no host (<host> or <cluster> with core >= 1)")
    return hosts, config


def file_sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()
