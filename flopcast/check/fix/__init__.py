"""Fixes: what a finding proposes to change (`model`), how the change is made with libcst
(`rewrite`, imported only when a fix is applied or shown) and the `--fix` / `--diff` loop
that re-analyses every rewrite before keeping it (`apply`)."""
