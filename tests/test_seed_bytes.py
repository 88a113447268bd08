"""A deterministic seed made of known numbers with struct, hashlib and zlib (pure functions of
bytes, the same in the run's Python), against the real flopscope at two sizes; a hash object
changed by update() ends the path (a lower bound), never a digest of the bytes before it."""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, assert_first_call_below_run, write_program

from flopcast.model import Point

POINTS = [Point(8, 2, 2**41), Point(16, 3, 2**41)]

SEEDED = """\
    import hashlib
    import struct
    import zlib

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            key = struct.pack("<IIq", mlp.width, mlp.depth, -7)
            {seed}
            n = 2 + seed % 7
            x = fnp.ones((n, mlp.width))
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.mean(x, axis=0)
    """


@pytest.mark.parametrize("seed", [
    'seed = struct.unpack("<Q", hashlib.sha256(key).digest()[:8])[0]',
    'seed = int(hashlib.new("md5", key).hexdigest(), 16) + struct.calcsize("<IIq")',
    'seed = zlib.crc32(key) ^ int.from_bytes(hashlib.blake2b(key, digest_size=4).digest(), "little")',
    'seed = struct.unpack_from("<I", hashlib.sha1(key).copy().digest(), 4)[0]',
], ids=["sha256_unpack", "new_md5_hexdigest", "crc32_blake2b", "sha1_copy_unpack_from"])
def test_a_seed_hashed_from_known_numbers_steers_the_work_exactly(tmp_path, seed):
    assert_exact_at(write_program(tmp_path, SEEDED, seed=seed), POINTS)


def test_a_hash_changed_by_update_ends_the_path(tmp_path):
    seed = 'h = hashlib.sha256(key)\n        h.update(b"salt")\n        seed = h.digest()[0]'
    assert_first_call_below_run(write_program(tmp_path, SEEDED, seed=seed), Point(16, 3, 2**41))
