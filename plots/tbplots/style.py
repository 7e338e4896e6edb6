"""One look for every figure: Okabe-Ito colours, one colour and marker per model."""

from . import simulated

# Okabe & Ito (2008), "Color Universal Design": safe for the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
}
MODEL_COLOR = {
    "serial": OKABE_ITO["black"],
    "omp": OKABE_ITO["orange"],
    "mpi": OKABE_ITO["blue"],
    "hybrid": OKABE_ITO["green"],
}
MODEL_MARKER = {"serial": "s", "omp": "o", "mpi": "^", "hybrid": "D",
                "mpi/tcp": "v", "hybrid/tcp": "d"}   # transports: the model's colour, another marker
OTHER_COLOR = OKABE_ITO["purple"]
FAILED_COLOR = OKABE_ITO["vermillion"]
IDEAL_COLOR = "#888888"
# Chart 5's components keep the model's colour; the fill tells them apart.
COMPONENT_STYLE = {
    "compute": {"alpha": 1.0, "hatch": None, "filled": True},
    "comm": {"alpha": 0.45, "hatch": "///", "filled": True},
    "sync": {"alpha": 1.0, "hatch": "xx", "filled": False},
}
KERNEL_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">"]


# Simulated models (SimGrid SMPI, simulated.py): the model's colour, but a hollow diamond on a dashed
# line and hatched bars, whatever the model, so that no simulated point reads as a measurement.
SIMULATED_MARKER = "D"
SIMULATED_LINE = "--"
SIMULATED_HATCH = "\\\\"


def color(model):
    model = simulated.base(model)
    return MODEL_COLOR.get(model) or MODEL_COLOR.get(model.split("/")[0], OTHER_COLOR)


def marker(model):
    if simulated.label(model):
        return SIMULATED_MARKER
    return MODEL_MARKER.get(model) or MODEL_MARKER.get(model.split("/")[0], "o")


def is_simulated(model):
    return simulated.label(model) is not None
