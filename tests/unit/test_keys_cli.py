"""`homeward keys ...` step by step, as README "Keys and rotation" tells it: councils make
their HPKE key pairs, the operator wraps an epoch to them, each council installs its copy (and
cannot install another's), then retires the old epoch; no command overwrites a key unless
forced, and forcing warns of the consequence."""

from pathlib import Path

import pytest

from homeward.cli import main
from keys import read_shared_keyring, write_shared_keyring
from keys.keyring import SharedKeyring

HOME, REPORTER = "E08000025", "E06000023"


def test_an_epoch_is_wrapped_installed_and_the_old_one_retired(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "new-operator", "--out", str(tmp_path / "operator")]) == 0
    signing = ["--operator-key", str(tmp_path / "operator" / "operator.key")]
    pinned = ["--operator", str(tmp_path / "operator" / "operator.vkey")]
    for code in (HOME, REPORTER):
        assert (
            main(["keys", "new-council-kem", "--authority", code, "--out", str(tmp_path / code)])
            == 0
        )
        write_shared_keyring(tmp_path / code / "shared.key", SharedKeyring.generate(1))
    pubs = [
        a for code in (HOME, REPORTER) for a in ("--to", str(tmp_path / code / "council-kem.pub"))
    ]
    out = tmp_path / "published"
    assert main(["keys", "wrap-epoch", "--epoch", "2", *signing, *pubs, "--out", str(out)]) == 0
    fingerprint = capsys.readouterr().out.split("fingerprint of epoch 2: ")[1].split()[0]
    for code in (HOME, REPORTER):
        folder = tmp_path / code
        install = ["keys", "install-epoch", str(out / f"epoch-2-{code}.sealed")]
        assert (
            main(
                [
                    *install,
                    "--kem-key",
                    str(folder / "council-kem.key"),
                    "--keyring",
                    str(folder / "shared.key"),
                    *pinned,
                ]
            )
            == 0
        )
        assert fingerprint in capsys.readouterr().out
        assert read_shared_keyring(folder / "shared.key").epochs == [1, 2]
    other = ["keys", "install-epoch", str(out / f"epoch-2-{REPORTER}.sealed")]
    home = tmp_path / HOME
    assert (
        main(
            [
                *other,
                "--kem-key",
                str(home / "council-kem.key"),
                "--keyring",
                str(home / "shared.key"),
                *pinned,
            ]
        )
        == 2
    )
    assert "not to E08000025" in capsys.readouterr().err
    assert main(["keys", "retire-epoch", "2", "--keyring", str(home / "shared.key")]) == 2
    assert main(["keys", "retire-epoch", "1", "--keyring", str(home / "shared.key")]) == 0
    assert read_shared_keyring(home / "shared.key").epochs == [2]
    wrap_again = ["keys", "wrap-epoch", "--epoch", "2", *signing, *pubs, "--out", str(out)]
    assert main(wrap_again) == 2  # no overwrite


def test_key_commands_never_overwrite_and_force_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    council = ["keys", "new-council", "--authority", HOME, "--out", str(tmp_path / "council.key")]
    shared = ["keys", "new-shared", "--out", str(tmp_path / "shared.key")]
    for command in (council, shared):
        assert main(command) == 0
        before = Path(command[-1]).read_text()
        assert main(command) == 2
        assert "refusing to overwrite" in capsys.readouterr().err
        assert Path(command[-1]).read_text() == before
        assert main([*command, "--force"]) == 0
        assert "WARNING" in capsys.readouterr().err
        assert Path(command[-1]).read_text() != before
