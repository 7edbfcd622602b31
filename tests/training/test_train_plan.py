"""A run's plan: the linear schedule it always had, shrunk to fit a time budget that cannot hold it."""

import pytest
import torch
from transformers import get_linear_schedule_with_warmup

from quotestance.training.train import Plan


def test_a_plan_the_budget_holds_is_the_linear_schedule_unchanged():
    plan = Plan(689, 0.06, 3, budget=10_000.0)
    assert not plan.refit(6, elapsed=40.0, step_seconds=6.9, eval_seconds=100.0)  # 689 x 6.9 s + 3 x 100 s fit
    assert plan.steps == 689 and plan.evaluate_at == {230, 459, 689}
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    reference = get_linear_schedule_with_warmup(optimizer, plan.warmup, 689).lr_lambdas[0]
    assert all(plan.lr_factor(s) == pytest.approx(reference(s)) for s in range(0, 700))


def test_a_tight_budget_shrinks_the_plan_and_still_decays_to_zero():
    plan = Plan(689, 0.06, 3, budget=1500.0)
    assert plan.refit(6, elapsed=40.0, step_seconds=6.9, eval_seconds=0.0)  # no evaluation measured yet
    assert plan.steps == 6 + int(1460 // 6.9) == 217
    assert plan.evaluate_at == {72, 145, 217}
    assert plan.warmup == 13 and plan.lr_factor(217) == 0.0 and plan.lr_factor(100) > 0.0
    # after the first evaluation took 100 s, the two still owed are paid for out of the steps
    assert plan.refit(72, elapsed=40.0 + 66 * 6.9 + 100.0, step_seconds=6.9, eval_seconds=100.0)
    assert plan.steps == 72 + int((1500 - 595.4 - 200) // 6.9) == 174
    assert plan.evaluate_at == {116, 174} and plan.warmup == 13  # two thirds and the end


def test_a_plan_never_grows_past_its_first_steps_nor_ends_before_the_next_step():
    plan = Plan(100, 0.06, 2, budget=60.0)
    assert plan.refit(10, elapsed=59.0, step_seconds=5.0, eval_seconds=30.0)
    assert plan.steps == 11 and plan.evaluate_at == {11}
    assert not Plan(100, 0.06, 2, budget=1e9).refit(10, elapsed=1.0, step_seconds=0.001, eval_seconds=0.0)


def test_a_plan_shrunk_by_a_busy_machine_grows_back_when_steps_speed_up():
    plan = Plan(686, 0.06, 3, budget=6600.0)
    assert plan.refit(20, elapsed=300.0, step_seconds=12.2, eval_seconds=0.0)  # other work during the probe
    assert plan.steps == 20 + int(6300 // 12.2) == 536 and plan.warmup == 32
    assert plan.refit(50, elapsed=500.0, step_seconds=6.0, eval_seconds=0.0)  # the machine is free again
    assert plan.steps == 686 and plan.warmup == 32  # the first plan, no more; the warm-up is over
    assert plan.evaluate_at == {229, 457, 686}
    assert not plan.refit(100, elapsed=800.0, step_seconds=6.0, eval_seconds=0.0)
    assert plan.lr_factor(686) == 0.0
