"""Every output the library allocates is released: many calls, success and
failure alike, leave the process's resident memory flat. (ctypes cannot
see C allocations, so this measures the process.)"""

import gc
import unittest

from helpers import sealkit


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4


class Memory(unittest.TestCase):
    def test_no_growth(self):
        key = sealkit.generate_key()
        pt = bytes(64 * 1024)  # 64 KiB outputs make a missed free visible

        def round_():
            for _ in range(200):
                ct = sealkit.encrypt_secretbox(pt, key)
                sealkit.decrypt_secretbox(ct, key)
                try:
                    sealkit.decrypt_secretbox(ct[:-1] + b"\0", key)
                except sealkit.DecryptionError:
                    pass
                sealkit.parse_salt_from_key_hash("AAAAAAAAAAAAAAAAAAAAAA==$x")
            gc.collect()

        round_()
        round_()
        before = rss_kib()
        for _ in range(5):
            round_()
        grown = rss_kib() - before
        # 1000 × 128 KiB of outputs left unfreed would be 125 MiB.
        self.assertLess(grown, 16 * 1024, "RSS grew by %d KiB" % grown)


if __name__ == "__main__":
    unittest.main()
