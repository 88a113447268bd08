"""flopcast: predict the FLOPs flopscope will charge a whestbench estimator, before it runs."""

__version__ = "0.1.0"
