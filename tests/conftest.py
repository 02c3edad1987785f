import os

import pytest
import torch

# Torch threads for every test (default 2). GAN4NLP_TEST_THREADS=1 runs the suite on one thread, to
# shake out numbers that depend on how a reduction is split across threads (issue 10).
THREADS = int(os.environ.get("GAN4NLP_TEST_THREADS", "2"))


@pytest.fixture(autouse=True)
def _seed_and_threads():
    torch.manual_seed(0)
    torch.set_num_threads(THREADS)
    yield


@pytest.fixture
def one_thread(_seed_and_threads):
    """One torch thread for the test (tiny tensors; two threads only add contention)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(autouse=True)
def _live_widgets(request, monkeypatch):
    """Widgets behave as in a live kernel in every test but the notebook runs: `make test` exports
    GAN4NLP_STATIC_WIDGETS=1 so that the executed notebooks (which fill the book's execution cache)
    carry the static book's precomputed frames; elsewhere precomputing them would only cost time.
    Tests of the static mode set the variable themselves."""
    if request.node.path.name != "test_notebooks.py":
        monkeypatch.delenv("GAN4NLP_STATIC_WIDGETS", raising=False)
