"""Seconds per widget update (chapters 4-6): what a learner waits for after moving a slider.

    .venv/bin/python benchmarks/widgets.py [--calls 7] [--threads 2]

For each widget, built as its chapter builds it with the default settings: one update is one call
of its drawing function (the statistics recomputed with a new seed, the figure redrawn in place)
plus rendering the figure to PNG as the widget displays it (`widgets.render_png`, Agg). The median
of `calls` timed updates after one warm-up is reported, with
the compute and render parts. The last line is ``widget update: X s (slowest widget)``; the goal
is under 0.3 s on a 2-core CPU.
"""
from _widget_timing import cycle, main  # noqa: E402  (first: it puts the repository on sys.path)
import torch  # noqa: E402

from gan4nlp import widgets  # noqa: E402
from gan4nlp.policy import Generator  # noqa: E402
from gan4nlp.rollout import exact_rollout_values  # noqa: E402
from gan4nlp.toy import TabularPolicy, all_sequences, exact_gradient, make_problem  # noqa: E402


def chapter6_setup():
    """Chapter 6's generator (after its short warm-up), six sentences and the stand-in judge."""
    def reward_fn(tokens):
        subject, verb, obj, end = tokens.unbind(-1)
        checks = torch.stack([subject <= 2, (verb >= 4) & (verb <= 6), (obj <= 3) & (obj != subject), end == 7], -1)
        return checks.float().mean(-1)

    torch.manual_seed(0)
    seqs = all_sequences(8, 4)
    liked = seqs[reward_fn(seqs) == 1]
    gen = Generator(8, embed_dim=16, hidden_dim=32)
    opt = torch.optim.Adam(gen.parameters(), lr=0.01)
    for _ in range(15):
        opt.zero_grad()
        gen.mle_loss(liked).backward()
        opt.step()
    tokens = gen.generate(6, 4, generator=torch.Generator().manual_seed(1))
    vocab = ["แมว", "หมา", "ปลา", "ข้าว", "กิน", "ชอบ", "เห็น", "<eos>"]
    return gen, tokens, reward_fn, vocab


def cases(args):
    """The chapters' widgets as their builders call them (Thai labels); each update a new seed."""
    policy = TabularPolicy(4, 4, init_std=0.5, seed=0, dtype=torch.float64)
    problem = make_problem("count", 4, 4)
    exact = exact_gradient(policy, problem).detach()
    gen, tokens, reward_fn, vocab = chapter6_setup()
    q_exact = exact_rollout_values(gen, tokens, reward_fn)
    seeds = [dict(seed=c) for c in range(1, args.calls + 1)]
    yield ("reinforce_histogram (ch. 4)", widgets.draw_reinforce_histogram,
           dict(policy=policy, problem=problem, exact=exact, lang="th"), seeds, dict(seed=0))
    yield ("variance_explorer (ch. 5)", widgets.draw_variance_comparison,
           dict(policy=policy, problem=problem, exact=exact, lang="th"), seeds, dict(seed=0))
    yield ("rollout_explorer (ch. 6)", widgets.draw_rollout_heatmap,
           dict(policy=gen, tokens=tokens, reward_fn=reward_fn, vocab=vocab, exact=q_exact, lang="th"),
           cycle(seeds, args.calls), dict(seed=0))


if __name__ == "__main__":
    main(__doc__, cases)
