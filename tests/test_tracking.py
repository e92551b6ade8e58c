"""The champion alias moves only to a better model on the same dataset; run links."""

import mlflow
import pytest

from signalrnn.tracking import CHAMPION, promote_champion, run_link


@pytest.fixture
def registry(tmp_path):
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    client = mlflow.MlflowClient()
    client.create_registered_model("m")

    def register(score: float, dataset: str) -> tuple[str, str]:
        with mlflow.start_run() as run:
            mlflow.log_metric("test_macro_f1", score)
            mlflow.set_tag("dataset", dataset)
        version = client.create_model_version("m", f"runs:/{run.info.run_id}/model", run.info.run_id)
        return version.version, run.info.run_id

    def champion() -> str:
        return client.get_model_version_by_alias("m", CHAMPION).version

    yield register, champion
    mlflow.set_tracking_uri(None)


def test_the_champion_changes_only_for_a_better_score_on_the_same_dataset(registry):
    register, champion = registry
    first = register(0.70, "egm")
    assert "new champion" in promote_champion("m", *first, "test_macro_f1")
    assert champion() == first[0]
    worse = register(0.60, "egm")
    assert "stays champion" in promote_champion("m", *worse, "test_macro_f1")
    assert champion() == first[0]
    better = register(0.80, "egm")
    promote_champion("m", *better, "test_macro_f1")
    assert champion() == better[0]
    other_data = register(0.99, "mitdb")
    assert "cannot be compared" in promote_champion("m", *other_data, "test_macro_f1")
    assert champion() == better[0]


def test_run_links_point_at_the_server_or_at_a_local_ui():
    assert run_link("http://mlflow.example:5000/", "3", "abc") == \
        "http://mlflow.example:5000/#/experiments/3/runs/abc"
    assert run_link("sqlite:///mlflow.db", "3", "abc").startswith("http://127.0.0.1:5000/#/")
