"""The command line (`python -m gan4nlp seqgan`): bad input ends in one sentence and exit code 2,
and an existing run folder is never overwritten (issue 13)."""
import json
import subprocess
import sys

import pytest

from gan4nlp.__main__ import default_out, main as cli
from gan4nlp.seqgan import SeqGANConfig


def run_cli(args, capsys):
    """Exit code and stderr; argparse's own errors exit through SystemExit."""
    try:
        code = cli(["seqgan", *args])
    except SystemExit as e:
        code = e.code
    return code, capsys.readouterr().err.strip()


@pytest.mark.parametrize("args, match", [
    (["--rollout", "abc"], "--rollout must be"),
    (["--rollout", "1.5"], "rollout_update_rate"),
    (["--threads", "0"], "--threads must be a positive integer"),
    (["--set", "seed=1", "--seed", "2"], "give seed with --seed"),
    (["--set", "rollout_update_rate=0.5"], "give rollout_update_rate with --rollout"),
    (["--set", "oracle=5"], "oracle must be a OracleConfig or a dict"),
    (["--set", 'oracle={"vocab": 5}'], "oracle has no field vocab"),
    (["--set", "nosuch=1"], "unknown setting nosuch"),
    (["--set", "rollout_num"], "--set expects key=value"),
    (["--set", "baseline=3"], "baseline must be true or false"),
    (["--oracle", "paper", "--oracle-path", "/nonexistent/target.pkl"], "does not exist"),
    (["--oracle-path", "x.pkl"], "only go with --oracle paper"),
    (["--preset", "huge"], "invalid choice"),
])
def test_bad_input_is_one_sentence_and_exit_code_2(args, match, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)            # a default --out, had one been made, would land here
    code, err = run_cli(args, capsys)
    assert code == 2
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    assert match in err
    assert not (tmp_path / "runs").exists()


def test_paper_oracle_without_a_file_says_how_to_get_it(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("GAN4NLP_CACHE", str(tmp_path / "empty-cache"))
    code, err = run_cli(["--oracle", "paper"], capsys)
    assert code == 2 and "--oracle-path" in err and "--download-oracle" in err


def test_a_run_folder_with_another_configuration_is_left_untouched(capsys, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    other = SeqGANConfig.preset("quick", seed=7).to_dict()
    (out / "config.json").write_text(json.dumps(other))
    (out / "history.json").write_text('{"kept": true}')
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, err = run_cli(["--preset", "quick", "--out", str(out)], capsys)
    assert code == 2 and "another configuration" in err and "seed" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_default_out_folders_differ_for_different_settings():
    a = default_out("cpu", 0, "random", "0.8", {})
    b = default_out("cpu", 0, "random", "live", {})
    c = default_out("cpu", 0, "random", "0.8", {"d_steps": 3})
    d = default_out("cpu", 0, "paper", "0.8", {})
    e = default_out("cpu", 1, "random", "0.8", {})
    assert len({a, b, c, d, e}) == 5
    assert "d_steps=3" in c.name and "paper" in d.name and "live" in b.name


def test_the_module_runs_as_a_program():
    result = subprocess.run([sys.executable, "-m", "gan4nlp", "seqgan", "--rollout", "abc"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "--rollout must be" in result.stderr
