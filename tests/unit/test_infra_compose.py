"""The deployment files, checked by parsing: Docker is not needed to catch most mistakes in them."""

import re
from pathlib import Path

import pytest
import yaml

INFRA = Path(__file__).resolve().parents[2] / "infra"
# Compose substitutes ${NAME} and ${NAME:-default}; `$$` is a literal dollar left for the shell.
VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")
BARE_VARIABLE = re.compile(r"(?<!\$)\$(?![{$])[A-Za-z_]")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|_KEY$|TOKEN|AUTH_STRING|PASSWORD_HASH")
URL_PASSWORD = re.compile(r"://[^/\s:@]+:([^@\s]+)@")
ONE_SHOT_JOBS = {"create-bucket"}  # exit when done; dependents wait for service_completed_successfully


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (INFRA / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip().strip("'\"")
    return pairs


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((INFRA / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def environment_items(service: dict) -> list[tuple[str, str]]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return [(name, str(value)) for name, value in environment.items()]


def test_every_service_has_an_image_or_a_build(services):
    assert services
    for name, service in services.items():
        assert "image" in service or "build" in service, name


def test_every_long_running_service_has_a_health_check(services):
    for name, service in services.items():
        if name not in ONE_SHOT_JOBS:
            assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_one_shot_jobs_are_awaited_until_they_succeed(services):
    waits = {
        dependency: condition["condition"]
        for service in services.values()
        for dependency, condition in (service.get("depends_on") or {}).items()
    }
    for job in ONE_SHOT_JOBS:
        assert waits.get(job) == "service_completed_successfully", job


def test_dependencies_wait_for_healthy_services(services):
    for name, service in services.items():
        for dependency, condition in (service.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            expected = "service_completed_successfully" if dependency in ONE_SHOT_JOBS else "service_healthy"
            assert condition["condition"] == expected, f"{name} -> {dependency}"


def test_only_the_proxy_publishes_ports(services):
    publishing = {name for name, service in services.items() if service.get("ports")}
    assert publishing == {"proxy"}


def test_every_service_is_on_the_private_network(compose, services):
    assert "backend" in compose["networks"]
    for name, service in services.items():
        assert service.get("networks") == ["backend"], name


def test_every_referenced_variable_is_in_env_example():
    text = (INFRA / "docker-compose.yml").read_text()
    referenced = set(VARIABLE.findall(text))
    assert {"POSTGRES_PASSWORD", "MLFLOW_ADMIN_PASSWORD"} <= referenced
    assert referenced - env_example().keys() == set()
    assert BARE_VARIABLE.findall(text) == [], "write ${NAME}, or $$NAME for the container's shell"


def test_no_literal_secret_in_the_compose_file(services):
    for name, service in services.items():
        for key, value in environment_items(service):
            if SECRET_NAME.search(key):
                assert VARIABLE.fullmatch(value) or "${" in value, f"{name}: {key} is written in the file"
            for password in URL_PASSWORD.findall(value):
                assert VARIABLE.fullmatch(password), f"{name}: {key} embeds a literal password"
        command = service.get("command", "")
        assert not URL_PASSWORD.search(str(command)), f"{name}: a password on the command line shows in `ps`"


def test_env_example_holds_placeholders_only():
    for name, value in env_example().items():
        if SECRET_NAME.search(name):
            assert value.startswith("change-me"), f"{name} in .env.example looks like a real secret"


def test_named_volumes_are_declared(compose, services):
    used = {
        mount.split(":")[0]
        for service in services.values()
        for mount in service.get("volumes", [])
        if not mount.startswith((".", "/"))
    }
    assert used and used == set(compose["volumes"])


def test_proxy_config_uses_only_variables_the_proxy_receives(services):
    caddyfile = (INFRA / "caddy" / "Caddyfile").read_text()
    used = set(re.findall(r"\{\$([A-Z_]+)\}", caddyfile))
    passed = {name for name, _ in environment_items(services["proxy"])}
    assert used and used <= passed
    for upstream in re.findall(r"reverse_proxy ([\w-]+):\d+", caddyfile):
        assert upstream in services


def test_mlflow_runs_the_basic_auth_app_on_postgres_and_s3(services):
    mlflow = services["mlflow"]
    environment = dict(environment_items(mlflow))
    assert "--app-name basic-auth" in mlflow["command"]
    assert environment["MLFLOW_BACKEND_STORE_URI"].startswith("postgresql")
    assert environment["MLFLOW_ARTIFACTS_DESTINATION"].startswith("s3://")


def kubernetes_objects() -> list[dict]:
    return [
        document
        for path in sorted((INFRA / "k8s").glob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
        if document and "metadata" in document
    ]


def test_kubernetes_workloads_take_their_environment_from_the_secret():
    objects = kubernetes_objects()
    secrets = {item["metadata"]["name"] for item in objects if item["kind"] == "Secret"}
    workloads = {item["metadata"]["name"]: item for item in objects if item["kind"] == "Deployment"}
    assert {"prefect-worker", "dask-scheduler", "dask-worker"} <= workloads.keys()
    for name in ("prefect-worker", "dask-worker"):
        for container in workloads[name]["spec"]["template"]["spec"]["containers"]:
            referenced = {source["secretRef"]["name"] for source in container.get("envFrom", [])}
            assert referenced and referenced <= secrets, name


def test_kubernetes_secret_example_holds_placeholders_only():
    for secret in (item for item in kubernetes_objects() if item["kind"] == "Secret"):
        for key, value in secret["stringData"].items():
            if SECRET_NAME.search(key):
                assert value.startswith("change-me"), key
            for password in URL_PASSWORD.findall(value):
                assert password.startswith("change-me"), key
