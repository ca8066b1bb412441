"""The settings file's folder is found without importing platformdirs on Linux (vettriage.config): it must be the
folder platformdirs names, whatever the environment says."""

from __future__ import annotations

import sys

import pytest

from vettriage import config


@pytest.mark.skipif(sys.platform != "linux", reason="the written rule is Linux's; elsewhere platformdirs answers")
@pytest.mark.parametrize(("home", "xdg"), [
    ("/home/sam", None), ("/home/sam/", None), ("/home/sam", "/srv/conf"), ("/home/sam", "/srv/conf/"),
    ("/home/sam", "relative/conf"), ("/home/sam", ""), ("/", None), ("//net/home", "  "),
])
def test_the_settings_folder_is_the_one_platformdirs_names(monkeypatch, home: str, xdg: str | None) -> None:
    from platformdirs import user_config_dir

    monkeypatch.setenv("HOME", home)
    if xdg is None:
        monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
    assert config._user_config_dir() == user_config_dir("vettriage")
    assert config._config_file({}) == f"{user_config_dir('vettriage')}/config.toml"


@pytest.mark.parametrize("home", ["", "relative/home"])
def test_without_an_absolute_home_platformdirs_decides(monkeypatch, home: str) -> None:
    from platformdirs import user_config_dir

    monkeypatch.setenv("HOME", home)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    assert config._user_config_dir() == user_config_dir("vettriage")
