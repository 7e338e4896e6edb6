"""The five labs: number -> the module holding its title, its steps (sweep invocations) and its rules."""

from . import lab1, lab2, lab3, lab4, lab5

LABS = {1: lab1, 2: lab2, 3: lab3, 4: lab4, 5: lab5}


def steps(lab):
    """[(step name, sweep options or a function (lab folder, LabData) -> (options or None, reason))]."""
    return list(LABS[lab].STEPS.items())
