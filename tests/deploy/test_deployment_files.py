"""The production profile and the container setup (deploy/), checked without Docker: the instance profile
loads into a real Dagster instance, and the compose file and the Dockerfile name only what exists."""

import re
import shlex
import shutil
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml
from dagster._config import validate_config
from dagster._core.instance.config import PoolGranularity, dagster_instance_config_schema

from pipelines.cli import warehouse_name
from pipelines.definitions import build_definitions, defs
from pipelines.settings import SETTINGS_HELP, load_settings
from pipelines.warehouse import open_warehouse

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PROFILE = DEPLOY / "dagster.yaml"
POSTGRES_PROFILE = DEPLOY / "dagster-postgres.yaml"
COMPOSE = DEPLOY / "compose.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """A Dagster instance from a DAGSTER_HOME holding nothing but the shipped profile."""
    shutil.copyfile(PROFILE, tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with dg.DagsterInstance.get() as instance:
        yield instance


def test_the_warehouse_pool_is_limited_to_one_run_at_a_time(instance):
    pools = {asset.op.pool for asset in defs.resolve_asset_graph().assets_defs if asset.is_executable}
    pools.discard(None)  # the asset checks: covered by the run that holds the pool (granularity run)
    assert pools == {"warehouse"}
    config = instance.get_concurrency_config()
    assert config.pool_config.pool_granularity == PoolGranularity.RUN
    assert config.pool_config.default_pool_limit == 1
    # What the run queue does on meeting the pool for the first time, and the UI then shows as its limit.
    instance.event_log_storage.initialize_concurrency_limit_to_default("warehouse")
    assert instance.event_log_storage.get_concurrency_info("warehouse").slot_count == 1


def test_runs_go_through_a_limited_queue_and_a_stuck_run_is_ended(instance):
    assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 3
    assert instance.run_monitoring_enabled
    assert instance.run_monitoring_max_runtime_seconds == 6 * 3600


def test_every_job_runs_its_steps_in_one_process_one_after_another():
    jobs = [defs.resolve_job_def(job.name) for job in defs.jobs]
    jobs.append(defs.resolve_implicit_global_asset_job_def())  # what "Materialize" in the UI runs
    assert {job.executor_def.name for job in jobs} == {"in_process"}


def test_the_postgres_profile_is_valid_and_differs_only_in_storage():
    local, postgres = load_yaml(PROFILE), load_yaml(POSTGRES_PROFILE)
    result = validate_config(dagster_instance_config_schema(), postgres)
    assert result.success, [error.message for error in result.errors]
    shared = {key: value for key, value in postgres.items() if key in local}
    assert shared == local
    assert set(postgres) - set(local) == {"storage", "compute_logs", "local_artifact_storage"}


def test_the_documented_postgres_snippet_is_the_shipped_one():
    docs = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    snippets = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", docs, flags=re.DOTALL)]
    storage = load_yaml(POSTGRES_PROFILE)["storage"]
    assert any(isinstance(s, dict) and s.get("storage") == storage for s in snippets)


def dagster_services() -> dict[str, dict]:
    services = load_yaml(COMPOSE)["services"]
    return {name: service for name, service in services.items() if "build" in service}


def test_the_compose_file_has_a_webserver_a_daemon_and_postgres():
    services = load_yaml(COMPOSE)["services"]
    assert set(services) == {"webserver", "daemon", "postgres"}
    assert set(dagster_services()) == {"webserver", "daemon"}
    for service in dagster_services().values():
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    db = services["postgres"]["environment"]
    env = services["daemon"]["environment"]
    assert (db["POSTGRES_USER"], db["POSTGRES_DB"], db["POSTGRES_PASSWORD"]) == (
        env["DAGSTER_POSTGRES_USER"],
        env["DAGSTER_POSTGRES_DB"],
        env["DAGSTER_POSTGRES_PASSWORD"],
    )


def test_the_compose_services_run_dagster_commands_on_the_repositorys_workspace():
    build = {"context", "dockerfile"}
    for name, service in dagster_services().items():
        assert set(service["build"]) == build
        context = (COMPOSE.parent / service["build"]["context"]).resolve()
        assert context == ROOT and (context / service["build"]["dockerfile"]) == DOCKERFILE
        command = service["command"]
        # The image installs the project as .venv does: the command is one of its installed scripts.
        assert (Path(sys.executable).parent / command[0]).exists(), f"{name}: no {command[0]} installed"
        workspace = command[command.index("--workspace") + 1]
        assert (ROOT / workspace).is_file()
        (location,) = load_yaml(ROOT / workspace)["load_from"]
        assert location["python_module"]["location_name"] == "sms_warehouse"
    assert dagster_services()["daemon"]["command"][:2] == ["dagster-daemon", "run"]


def test_the_compose_environment_names_only_known_settings_and_paths_on_the_volume():
    profile_variables = set(re.findall(r"env: (\w+)", POSTGRES_PROFILE.read_text(encoding="utf-8")))
    for service in dagster_services().values():
        env = service["environment"]
        assert set(env) <= set(SETTINGS_HELP) | profile_variables, set(env) - set(SETTINGS_HELP)
        assert profile_variables <= set(env)
        assert env["DAGSTER_HOME"] == dockerfile_env()["DAGSTER_HOME"]
        (volume,) = service["volumes"]
        mount = volume.split(":", 1)[1]
        for name in ("SMS_WAREHOUSE", "SMS_OUTPUT_DIR", "SMS_ANALYTICS_DIR", "INFOBANK_REPORTS_DIR"):
            assert env[name].startswith(mount + "/"), name
        for env_file in service["env_file"]:
            assert (COMPOSE.parent / env_file["path"]).resolve() == ROOT / ".env"
    assert (ROOT / ".env.example").is_file()  # what that .env is made from


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def dockerfile_env() -> dict[str, str]:
    values = {}
    for instruction, arguments in dockerfile_instructions():
        if instruction == "ENV":
            values.update(part.split("=", 1) for part in shlex.split(arguments))
    return values


def test_the_dockerfile_copies_only_what_exists_and_installs_the_pinned_set():
    instructions = dockerfile_instructions()
    copies = [shlex.split(arguments) for instruction, arguments in instructions if instruction == "COPY"]
    assert copies
    for *sources, _target in copies:
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
    runs = [arguments for instruction, arguments in instructions if instruction == "RUN"]
    install = next(run for run in runs if "pip install" in run)
    assert "-c constraints.txt" in install and "-e ." in install
    # dagster-postgres comes in the pinned Dagster's line of integrations, as dagster-duckdb does
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().split() if "==" in line)
    assert f'"dagster-postgres=={pins["dagster-duckdb"]}"' in install
    env = dockerfile_env()
    assert ["deploy/dagster-postgres.yaml", "${DAGSTER_HOME}/dagster.yaml"] in copies
    for name in ("SMS_WAREHOUSE", "SMS_OUTPUT_DIR", "SMS_ANALYTICS_DIR"):
        assert env[name] == dagster_services()["daemon"]["environment"][name]


class _ReachedDuckDB(Exception):
    """Raised by the stand-in for duckdb.connect: what it was asked to open."""


def test_a_motherduck_connection_string_reaches_duckdb_as_given(monkeypatch, tmp_path):
    def connect(database=":memory:", *args, **kwargs):
        raise _ReachedDuckDB(database)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SMS_WAREHOUSE", "md:sms_warehouse")
    monkeypatch.setattr(duckdb, "connect", connect)
    settings = load_settings()
    assert warehouse_name(settings.warehouse_path) == "md:sms_warehouse"  # what the CLI prints
    resource = build_definitions().resources["warehouse"]
    with pytest.raises(_ReachedDuckDB, match=r"^md:sms_warehouse$"), resource.open():
        pass
    with pytest.raises(_ReachedDuckDB, match=r"^md:sms_warehouse$"), open_warehouse(settings.warehouse_path):
        pass
    assert list(tmp_path.iterdir()) == []  # no file or folder made for it
