"""Statistical assertions shared by the estimator tests: unbiasedness via Hotelling's d^2."""


def assert_unbiased(stats):
    d2, k = stats.bias_chi2()
    assert k > 10
    assert d2 / k < 1 + 4 * (2 / k) ** 0.5, f"{stats.name}: d^2/k = {d2 / k:.2f} with k = {k}"
    z = stats.z_scores
    assert float(z.abs().max()) < 4.5, f"{stats.name}: max |z| = {float(z.abs().max()):.2f}"


def assert_biased(stats):
    d2, k = stats.bias_chi2()
    assert d2 / k > 1 + 8 * (2 / k) ** 0.5, f"{stats.name} should be biased: d^2/k = {d2 / k:.2f}"
