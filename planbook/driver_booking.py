"""Booking the driver model's monthly totals to teams as facts: each total split over
teams in whole cents (largest remainder first, so the teams add up to the model), then laid
out as one long frame of facts (:mod:`planbook.drivers`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["long_cents", "split_cents"]


def split_cents(total: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``total`` (integers by month) split over rows in proportion to ``weight`` (rows x
    months); where all weights are zero, evenly. Rows add up to ``total`` exactly."""
    w = np.where(weight.sum(axis=0) > 0, np.maximum(weight, 0), 1.0)
    share = w / w.sum(axis=0)
    raw = share * total
    base = np.floor(raw)
    short = (total - base.sum(axis=0)).astype(np.int64)
    order = np.argsort(-(raw - base), axis=0, kind="stable")
    ranks = np.argsort(order, axis=0, kind="stable")
    out: np.ndarray = (base + (ranks < short[None, :])).astype(np.int64)
    return out


def long_cents(
    scenario: str, periods: list[str], parts: list[tuple[list[str], str, np.ndarray]]
) -> pd.DataFrame:
    """One frame of every (teams, account, cents by team x month) part, built at once."""
    m = len(periods)
    team_ids = sorted({t for teams, _, _ in parts for t in teams})
    account_ids = sorted({a for _, a, _ in parts})
    position = {t: i for i, t in enumerate(team_ids)}
    team = np.concatenate(
        [
            np.repeat(np.array([position[t] for t in teams], dtype=np.int32), m)
            for teams, _, _ in parts
        ]
    )
    account = np.concatenate(
        [np.full(c.size, account_ids.index(a), dtype=np.int32) for _, a, c in parts]
    )
    frame = pd.DataFrame(
        {
            "scenario": pd.Categorical.from_codes(
                np.zeros(len(team), dtype=np.int8), pd.Index([scenario])
            ),
            "team": pd.Categorical.from_codes(team, pd.Index(team_ids, dtype="str")),
            "account": pd.Categorical.from_codes(account, pd.Index(account_ids, dtype="str")),
            "line": pd.Categorical.from_codes(np.zeros(len(team), dtype=np.int8), pd.Index([""])),
            "period": pd.Categorical.from_codes(
                np.tile(np.arange(m), len(team) // m if m else 0), pd.Index(periods)
            ),
            "cents": np.concatenate([c.reshape(-1) for _, _, c in parts]),
        }
    )
    return frame
