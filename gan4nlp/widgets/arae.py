"""Chapter 10's widget: walking between the codes of two sentences of a trained ARAE.

`draw_interpolation` decodes evenly spaced points on the path from the code of sentence A to the
code of sentence B (`arae.interpolate`): along the great circle of the unit sphere, where every
training code lies, or along the straight chord, whose inner points have norm below 1. Left: the
codes projected on their first two principal axes (real codes grey, generated codes orange, the
path coloured from A to B). Right: the decoded sentence at each point, its fraction alpha, the
code's norm, and whether the grammar derives it (✓ / ✗). The title shows the two sentences
themselves (row A is the reconstruction of sentence A, which may differ from it).

The builder `interpolation_explorer` encodes the sentences, samples the generated codes and
computes the projection once; an update only decodes at most 11 codes greedily and redraws.
Conventions as in `widgets.base` (``draw_*`` returns a Figure; ``Controls:`` in its docstring;
Thai texts with ``lang="th"``).

    explorer = widgets.arae.interpolation_explorer(model, vocab, heldout_ids, grammar=gram, lang="th")
"""
from __future__ import annotations

import torch
from matplotlib.figure import Figure

from .. import arae as _arae
from ..grammar import is_grammatical, join_thai
from .base import Explorer, control_labels, one_thread, panels, slider, texts

TEXT = {
    "en": {
        "map_title": "codes, first two principal axes",
        "real": "real codes",
        "fake": "generated codes",
        "path": "path A → B",
        "list_title": "decoded along the path ({path})",
        "sphere": "great circle",
        "line": "straight line",
        "norm": "‖c‖",
        "empty": "(empty)",
        "pair_title": "A = {a}      B = {b}",
    },
    "th": {
        "map_title": "รหัสบนแกนหลักสองแกนแรก",
        "real": "รหัสของประโยคจริง",
        "fake": "รหัสจาก generator",
        "path": "เส้นทาง A → B",
        "list_title": "ประโยคที่ถอดรหัสได้ตามเส้นทาง ({path})",
        "sphere": "วงกลมใหญ่บนทรงกลม",
        "line": "เส้นตรง",
        "norm": "‖c‖",
        "empty": "(ว่าง)",
        "pair_title": "A = {a}      B = {b}",
    },
}

# Thai slider labels; the English ones are read from the docstring of `draw_interpolation`.
CONTROL_LABELS = {"th": {"pair": "คู่ประโยค A, B", "steps": "จำนวนจุดบนเส้นทาง", "path": "เส้นทาง"}}

STEPS_OPTIONS = (3, 5, 7, 9, 11)
# The static book's frames (`base.StaticFrames`): the slider values precomputed when the book is built.
STATIC = {"pair": (0, 1, 2, 3), "steps": (7,), "path": ("sphere", "line")}


def _show(words: list[str], thai: bool) -> str:
    return join_thai(words) if thai else " ".join(words)


def principal_axes(codes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean (H,) and first two principal directions (H, 2) of codes (N, H), by SVD (deterministic
    up to sign; the sign is fixed so that each direction's largest entry is positive)."""
    mean = codes.mean(0)
    _, _, vh = torch.linalg.svd(codes - mean, full_matrices=False)
    axes = vh[:2].T                                                        # (H, 2)
    sign = torch.sign(axes.gather(0, axes.abs().argmax(0, keepdim=True)))
    return mean, axes * sign


@one_thread()
def draw_interpolation(model, vocab, pairs, pair: int = 0, steps: int = 7, path: str = "sphere", *, grammar=None,
                       projection=None, real_2d=None, fake_2d=None, thai: bool = False, lang: str = "en",
                       labels: dict | None = None, fig: Figure | None = None) -> Figure:
    """Sentences decoded along the path between the codes of two sentences (chapter 10).

    ``pairs`` is a list of (ids_a, ids_b), each (T,); ``projection`` = (mean (H,), axes (H, 2)) and
    the projected clouds ``real_2d``, ``fake_2d`` (N, 2) come from the builder (optional).

    Controls:
        pair: sentence pair A, B
        steps: points on the path
        path: path
    """
    t = texts(TEXT, lang, labels)
    if not 0 <= pair < len(pairs):
        raise ValueError(f"pair must be in [0, {len(pairs)}), got {pair!r}")
    a, b = pairs[pair]
    ids, codes = _arae.interpolate(model, a, b, steps, path=path, return_codes=True)   # (S, T), (S, H)
    sentences = vocab.decode(ids)
    fig, (ax_map, ax_list) = panels(fig, (10.5, 4.8), "arae_interpolation", 2,
                                     gridspec_kw={"width_ratios": [1, 1.4]})
    originals = [_show(w, thai) or t["empty"] for w in vocab.decode(torch.stack([a.reshape(-1), b.reshape(-1)]))]
    fig.suptitle(t["pair_title"].format(a=originals[0], b=originals[1]), fontsize=12 if thai else 11)
    colours = [(0.15 + 0.7 * i / (steps - 1), 0.35, 0.85 - 0.7 * i / (steps - 1)) for i in range(steps)]
    if projection is not None:
        mean, axes = projection
        if real_2d is not None:
            ax_map.scatter(real_2d[:, 0], real_2d[:, 1], s=6, c="#9a9a9a", alpha=0.35, label=t["real"])
        if fake_2d is not None:
            ax_map.scatter(fake_2d[:, 0], fake_2d[:, 1], s=6, c="#e6862e", alpha=0.35, label=t["fake"])
        p = ((codes - mean) @ axes).numpy()                                  # (S, 2)
        ax_map.plot(p[:, 0], p[:, 1], "-", color="black", lw=1, zorder=3)
        ax_map.scatter(p[:, 0], p[:, 1], s=40, c=colours, zorder=4, edgecolor="black", linewidth=0.5, label=t["path"])
        ax_map.annotate("A", p[0], xytext=(4, 4), textcoords="offset points", weight="bold")
        ax_map.annotate("B", p[-1], xytext=(4, 4), textcoords="offset points", weight="bold")
        ax_map.legend(fontsize="small", loc="lower left", markerscale=1.5)
    ax_map.set_title(t["map_title"])
    ax_map.set_xticks([])
    ax_map.set_yticks([])
    ax_list.set_axis_off()
    ax_list.set_xlim(0, 1)
    ax_list.set_ylim(steps - 0.5, -0.5)
    ax_list.set_title(t["list_title"].format(path=t[path]))
    norms = codes.norm(dim=1).tolist()
    for i, words in enumerate(sentences):
        ok = grammar is not None and is_grammatical(words, grammar) if words else False
        mark = "" if grammar is None else ("✓" if ok else "✗")
        alpha = i / (steps - 1)
        label = "A" if i == 0 else "B" if i == steps - 1 else f"{alpha:.2f}"
        ax_list.text(0.0, i, label, va="center", ha="left", color=colours[i], weight="bold", fontsize=10)
        ax_list.text(0.08, i, f"{t['norm']} {norms[i]:.2f}", va="center", ha="left", color="#555555", fontsize=9)
        ax_list.text(0.24, i, mark, va="center", ha="left", color="#1a9641" if ok else "#d7191c", fontsize=11)
        ax_list.text(0.30, i, _show(words, thai) if words else t["empty"], va="center", ha="left",
                     fontsize=12 if thai else 10.5)
    return fig


def interpolation_explorer(model, vocab, sentences: torch.Tensor, *, grammar=None, pairs=None, steps: int = 7,
                           path: str = "sphere", cloud: int = 400, seed: int = 0, lang: str = "en",
                           labels: dict | None = None) -> Explorer:
    """Chapter 10's widget: `draw_interpolation` with sliders for the sentence pair, the number of
    points and the path. ``sentences`` (N, T) ids; ``pairs`` (indices into them) defaults to
    (0, 1), (2, 3), ... (six pairs). The codes of up to ``cloud`` sentences, as many generated codes
    and their projection are computed once here."""
    if not isinstance(sentences, torch.Tensor) or sentences.dim() != 2:
        raise ValueError("sentences must be token ids of shape (N, T), e.g. vocab.encode(heldout)")
    index_pairs = pairs if pairs is not None else [(2 * i, 2 * i + 1) for i in range(min(6, sentences.shape[0] // 2))]
    if not index_pairs:
        raise ValueError("need at least two sentences to interpolate between")
    for i, j in index_pairs:
        if not (0 <= i < sentences.shape[0] and 0 <= j < sentences.shape[0]):
            raise ValueError(f"pair ({i}, {j}) is outside the {sentences.shape[0]} sentences")
    id_pairs = [(sentences[i], sentences[j]) for i, j in index_pairs]
    real = _arae.encode(model, sentences[:cloud])
    fake = _arae.sample(model, real.shape[0], generator=torch.Generator().manual_seed(seed), return_codes=True)[1]
    mean, axes = principal_axes(real)
    thai = any("\u0e00" <= ch <= "\u0e7f" for w in vocab.tokens for ch in w)
    names = control_labels(draw_interpolation, lang, labels, CONTROL_LABELS)
    t = texts(TEXT, lang, labels)
    controls = {
        "pair": slider("int", names["pair"], 0, lo=0, hi=len(id_pairs) - 1),
        "steps": slider("select", names["steps"], min(STEPS_OPTIONS, key=lambda s: abs(s - steps)), STEPS_OPTIONS),
        "path": slider("select", names["path"], path, [(t["sphere"], "sphere"), (t["line"], "line")]),
    }
    fixed = dict(model=model, vocab=vocab, pairs=id_pairs, grammar=grammar, projection=(mean, axes),
                 real_2d=((real - mean) @ axes).numpy(), fake_2d=((fake - mean) @ axes).numpy(), thai=thai,
                 lang=lang, labels=labels)
    static = {**STATIC, "pair": tuple(p for p in STATIC["pair"] if p < len(id_pairs))}
    return Explorer(draw_interpolation, fixed, controls, static)
