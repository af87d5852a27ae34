"""Booking the driver model's monthly totals to teams as facts: each total split over
teams in whole cents (largest remainder first, so the teams add up to the model), then laid
out as facts by code (:mod:`planbook.drivers`)."""

from __future__ import annotations

import numpy as np

from planbook.columnar import Coded, FactColumns
from planbook.facts import amounts_from_cents

__all__ = ["booked_columns", "split_cents"]


def split_cents(total: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``total`` (integers by month) split over rows in proportion to ``weight`` (rows x
    months); where all weights are zero, evenly. Rows add up to ``total`` exactly."""
    if len(weight) == 1:  # one row takes it all
        whole: np.ndarray = np.asarray(total, dtype=np.int64)[None, :].copy()
        return whole
    w = np.where(weight.sum(axis=0) > 0, np.maximum(weight, 0), 1.0)
    share = w / w.sum(axis=0)
    raw = share * total
    base = np.floor(raw)
    short = (total - base.sum(axis=0)).astype(np.int64)
    order = np.argsort(-(raw - base), axis=0, kind="stable")
    ranks = np.empty_like(order)  # each row's place in that order
    np.put_along_axis(ranks, order, np.arange(len(order))[:, None], axis=0)
    out: np.ndarray = (base + (ranks < short[None, :])).astype(np.int64)
    return out


def booked_columns(
    scenario: str, periods: list[str], parts: list[tuple[list[str], str, np.ndarray]]
) -> FactColumns:
    """The facts of every (teams, account, cents by team x month) part but zero ones, by
    code (no frame is built: :meth:`FactColumns.frame` makes one)."""
    m = len(periods)
    team_ids = sorted({t for teams, _, _ in parts for t in teams})
    account_ids = sorted({a for _, a, _ in parts})
    position = {t: i for i, t in enumerate(team_ids)}
    team = np.concatenate(
        [np.repeat(np.array([position[t] for t in ts], dtype=np.int32), m) for ts, _, _ in parts]
    )
    account = np.concatenate(
        [np.full(c.size, account_ids.index(a), dtype=np.int32) for _, a, c in parts]
    )
    cents = np.concatenate([c.reshape(-1) for _, _, c in parts])
    period = np.tile(np.arange(m, dtype=np.int32), len(team) // m if m else 0)
    keep = np.flatnonzero(cents != 0)
    zeros = np.zeros(len(keep), dtype=np.int32)
    return FactColumns(
        scenario=Coded(zeros, (scenario,)),
        team=Coded(team[keep], tuple(team_ids)),
        account=Coded(account[keep], tuple(account_ids)),
        line=Coded(zeros, ("",)),
        period=Coded(period[keep], tuple(periods)),
        amounts=amounts_from_cents(cents[keep]),
    )
