"""Code that would harm the machine if it ran. The static analysis must never execute any of it:
the test checks that the marker files below were never created."""
import importlib
import os
import subprocess

import flopscope.numpy as fnp
from whestbench import BaseEstimator

MARKER = "/tmp/flopcast-adversarial-marker"

__import__("os").system(f"touch {MARKER}-import")
open(f"{MARKER}-open", "w").write("ran")


class Estimator(BaseEstimator):
    def setup(self, context):
        exec(f"open('{MARKER}-exec', 'w').write('ran')")
        os.makedirs(f"{MARKER}-makedirs", exist_ok=True)

    def predict(self, mlp, budget):
        eval(f"open('{MARKER}-eval', 'w')")
        subprocess.run(["touch", f"{MARKER}-subprocess"])
        importlib.import_module("shutil").rmtree("/nonexistent-flopcast-dir")
        getattr(__builtins__, "exec")(f"open('{MARKER}-getattr', 'w')")
        compile("import os", "<x>", "exec")
        with open(f"{MARKER}-with", "w") as fh:
            fh.write("ran")
        os.remove(__file__ + ".nothing")
        (lambda: __import__("os").system(f"touch {MARKER}-lambda"))()
        return fnp.zeros((mlp.depth, mlp.width))
