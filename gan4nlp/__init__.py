"""gan4nlp: the teaching library of the GAN4NLP course (Thai / English).

Modules, in the order the book uses them:

- `policy`      the generator as a policy pi_theta(y_t | Y_{1:t-1})         (chapters 2, 4, 8, 9)
- `sampling`    exact categorical samplers, Gumbel noise                       (chapters 2, 9)
- `toy`         tiny problems solved exactly by enumeration: J, grad J, mu, q  (chapters 3-5, 9, 13)
- `estimators`  REINFORCE, reward-to-go, baselines, Gumbel-softmax, RLOO, GRPO (chapters 4, 5, 9, 13)
- `diagnostics` bias / variance / cosine of an estimator against the truth     (chapters 4, 5, 9, 13)
- `rollout`     Monte Carlo rollouts: Q for every prefix                       (chapters 6, 8)
- `discriminator` SeqGAN's CNN discriminator, an RNN alternative                (chapters 7-9)
- `oracle`      the synthetic oracle LSTM and NLL-oracle                       (chapter 8)
- `seqgan`      the SeqGAN training loop (MLE, discriminator, adversarial)     (chapter 8)
- `grammar`     English and Thai grammars, grammaticality, Thai segmentation   (chapter 12)
- `textgan`     SeqGAN / Gumbel-softmax GAN / MLE on the grammar corpora       (chapters 9, 11, 12)
- `evaluation`  held-out NLL, entropy, BLEU / Self-BLEU, temperature sweeps    (chapter 11)
- `arae`        the adversarially regularised autoencoder (continuous road)    (chapter 10)
- `widgets`     the book's interactive widgets, one module per part            (chapters 4-13)
- `viz`         plots with a Thai-capable font                                 (all chapters)
- `exercises`   code-checked exercise answers                                  (all chapters)
"""
from .policy import Generator, Sample
from .toy import TabularPolicy, TabularValue, ToyProblem, make_problem, exact_gradient, exact_objective
from .estimators import (Reinforce, GumbelSoftmax, Baseline, MovingAverage, LeaveOneOut, BatchMean,
                         LearnedValue, RecurrentValue, estimate_gradient, standard_estimators)
from .diagnostics import GradientStats, gradient_stats, compare

__version__ = "0.1.0"
__all__ = [
    "Generator", "Sample", "TabularPolicy", "TabularValue", "ToyProblem", "make_problem", "exact_gradient",
    "exact_objective", "Reinforce", "GumbelSoftmax", "Baseline", "MovingAverage", "LeaveOneOut", "BatchMean",
    "LearnedValue", "RecurrentValue", "estimate_gradient", "standard_estimators", "GradientStats",
    "gradient_stats", "compare",
]
