"""The form's model (model/job-document.js) run inside the browser: the form's view of a
job written back over the same job gives the job unchanged, for every shape the form edits."""

import json

import pytest

DOCUMENTS = [
    {"id": "plain", "run": {"cmd": "echo hi", "cpus": 0.5, "mem": 64, "disk": 0}},
    {
        "id": "prod.docker", "description": "Everything the form shows", "labels": {"team": "data", "tier": "gold"},
        "run": {
            "cpus": 1, "mem": 256, "disk": 10, "gpus": 0, "cmd": "run.sh", "args": ["--fast", "-v"], "user": "nobody",
            "docker": {"image": "busybox:1.36", "forcePullImage": True, "privileged": False, "parameters": [{"key": "label", "value": "a=b"}]},
            "artifacts": [{"uri": "https://example.com/a.tgz", "extract": True, "executable": False, "cache": True}],
            "restart": {"policy": "ON_FAILURE", "activeDeadlineSeconds": 120}, "taskKillGracePeriodSeconds": 5,
            "env": {"A": "1", "B": {"secret": "s"}}, "secrets": {"s": {"source": "vault/x"}},
            "placement": {"constraints": [{"attribute": "hostname", "operator": "LIKE", "value": "web.*"}]},
            "volumes": [], "maxLaunchDelay": 3600,
        },
        "schedules": [{"id": "nightly", "cron": "0 3 * * *", "timezone": "Europe/Berlin", "startingDeadlineSeconds": 120,
                       "concurrencyPolicy": "FORBID", "enabled": False}],
        "dependencies": [{"id": "prod.parent"}],
    },
    # A job created through Chronos: an ISO 8601 interval keeping its start's own offset.
    {"id": "chronos-iso", "run": {"cmd": "true", "cpus": 0.1, "mem": 128, "disk": 256},
     "schedules": [{"id": "chronos", "cron": "R/2030-03-01T13:00:00-04:00/P1D", "timezone": "", "startingDeadlineSeconds": 30,
                    "concurrencyPolicy": "FORBID", "enabled": True}]},
    {"id": "ucr", "run": {"cpus": 0.1, "mem": 32, "disk": 0, "ucr": {"image": {"id": "alpine", "kind": "docker", "forcePull": True}, "privileged": False}}},
]


def run_module(page, script, *args):
    """Imports the UI's modules in the page and runs `script` with them; returns its value.
    The script is part of the WebDriver script (the page's CSP rightly forbids eval)."""
    page.open("#/jobs")
    page.wait_heading("Jobs")
    return page.driver.execute_async_script(
        """
        const args = arguments[0];
        const done = arguments[arguments.length - 1];
        const base = document.querySelector('script[type=module]').src.replace(/app\\.js$/, '');
        import(base + 'model/job-document.js')
          .then((model) => done(JSON.stringify((() => {%s})())))
          .catch((error) => done(JSON.stringify({ error: String(error) })));
        """ % script, list(args))


@pytest.mark.parametrize("document", DOCUMENTS, ids=[d["id"] for d in DOCUMENTS])
def test_form_view_written_back_gives_the_same_job(page, document):
    result = json.loads(run_module(page, "return model.fromForm(model.toForm(args[0]), args[0]);", document))
    assert result == document


def test_switching_runtime_and_dropping_the_schedule(page):
    script = """
      const form = model.toForm(args[0]);
      form.jobType = 'command';
      form.hasSchedule = false;
      form.labels.push({ key: 'new', value: 'yes' });
      return model.fromForm(form, args[0]);
    """
    result = json.loads(run_module(page, script, DOCUMENTS[1]))
    assert "docker" not in result["run"] and "ucr" not in result["run"]
    assert result["schedules"] == []
    assert result["labels"] == {"team": "data", "tier": "gold", "new": "yes"}
    assert result["run"]["env"] == DOCUMENTS[1]["run"]["env"]


def test_numbers_that_do_not_parse_are_sent_as_typed(page):
    script = "const form = model.toForm(args[0]); form.mem = 'lots'; form.cpus = ''; return model.fromForm(form, args[0]).run;"
    run = json.loads(run_module(page, script, DOCUMENTS[0]))
    assert run["mem"] == "lots"  # the server names the field in its 422
    assert "cpus" not in run


def test_error_paths_find_their_fields(page):
    script = """
      return [
        model.errorTargetPath('/run', 'Property mem missing'),
        model.errorTargetPath('/', 'Property id missing'),
        model.errorTargetPath('/run/cpus', 'too small'),
        model.schedulePath('/cron'),
        model.parentPath('/run/artifacts(0)/uri'),
        model.parentPath('/run/artifacts(0)'),
        model.parentPath('/run'),
        model.parentPath('/'),
      ];
    """
    assert json.loads(run_module(page, script)) == [
        "/run/mem", "/id", "/run/cpus", "/schedules(0)/cron", "/run/artifacts(0)", "/run/artifacts", "/", None,
    ]
