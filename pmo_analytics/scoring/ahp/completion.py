"""Incomplete judgements: the missing pairs of a comparison matrix filled in.

A stakeholder may leave pairs out as long as their judgements still link every criterion. The
missing entries are filled either so as to minimise λmax, the most consistent completion
(Bozóki, Fülöp & Rónyai 2010, "On optimal completion of incomplete pairwise comparison
matrices", Math. Comput. Modelling 52), or with w_a / w_b of the logarithmic least squares
weights of the given pairs (Kwiesielewicz 1996), which is also where the λmax search starts.
"""

from __future__ import annotations

import numpy as np

from .matrix import llsm, perron

COMPLETIONS = ("lambda_max", "llsm")


def missing_pairs(n: int, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (row < column) of the pairs of an n × n matrix not among the given (i, j)."""
    known = np.eye(n, dtype=bool)
    known[i, j] = known[j, i] = True
    return np.nonzero(np.triu(~known, 1))


def complete_log_matrix(
    n: int, i: np.ndarray, j: np.ndarray, logs: np.ndarray, completion: str
) -> np.ndarray:
    """The full log-matrix (antisymmetric) from the given pairs i < j, missing ones filled.

    Parameters
    ----------
    n : int
        Number of criteria.
    i, j, logs : ndarray
        The given pairs (positions, i < j) and their log ratios; they must link all criteria.
    completion : {"lambda_max", "llsm"}
        How the missing pairs are filled (see the module notes).
    """
    log_matrix = np.zeros((n, n))
    log_matrix[i, j], log_matrix[j, i] = logs, -logs
    mi, mj = missing_pairs(n, i, j)
    if mi.size == 0:
        return log_matrix
    y = llsm(n, i, j, logs)
    start = y[mi] - y[mj]
    log_matrix[mi, mj], log_matrix[mj, mi] = start, -start
    if completion == "llsm":
        return log_matrix
    from scipy.optimize import minimize

    def lam_and_grad(x: np.ndarray) -> tuple[float, np.ndarray]:
        # dλ/da_ij = v_i u_j / (v·u) with u, v the right and left principal eigenvectors
        log_matrix[mi, mj], log_matrix[mj, mi] = x, -x
        values = np.exp(log_matrix)
        lam, right = perron(values)
        left = perron(values.T)[1]
        scale = left @ right
        grad = (
            left[mi] * right[mj] * values[mi, mj] - left[mj] * right[mi] * values[mj, mi]
        ) / scale
        return lam, grad

    best = minimize(lam_and_grad, start, jac=True, method="BFGS", options={"gtol": 1e-11})
    log_matrix[mi, mj], log_matrix[mj, mi] = best.x, -best.x
    return log_matrix
