"""Verdict: the gate, waivers and the baseline."""
