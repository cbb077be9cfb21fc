"""The run page follows a task's stdout live, through the logs API's follow=true stream
(GET /v1/jobs/{id}/runs/{runId}/logs/stdout?follow=true)."""

import os
import uuid

from selenium.webdriver.common.by import By


class Gate:
    """A file the test creates to let a waiting task go on: output that comes after it can
    only reach the page if the page is still following the stream."""

    def __init__(self, directory):
        self.path = os.path.join(directory, "open")

    def wait_command(self):
        return f"while [ ! -e {self.path} ]; do sleep 0.1; done"

    def open(self):
        open(self.path, "w").close()


def create_job(server, prefix, cmd, **run):
    job_id = f"{prefix}-{uuid.uuid4().hex[:6]}"
    status, body = server.request("POST", "/v1/jobs", {"id": job_id, "run": {"cmd": cmd, "cpus": 0.01, "mem": 32, "disk": 0, **run}})
    assert status == 201, body
    return job_id


def test_stdout_follows_live_while_the_task_runs(page, server, tmp_path):
    gate = Gate(tmp_path)
    job_id = create_job(server, "live", f"echo first-line; echo to-stderr >&2; {gate.wait_command()}; echo second-line")
    page.open(f"#/jobs/{job_id}")
    page.click("▶ Run now")
    page.wait(lambda d: d.find_element(By.CSS_SELECTOR, "main h1").text.startswith("Run "), "no run page")

    log = page.find("pre.log-output")
    page.wait(lambda d: "first-line" in log.text, "first line never shown")
    # The log stream can show output before the page's next poll of the run's status.
    page.wait(lambda d: d.find_element(By.CSS_SELECTOR, ".run-status").text == "Running", "run never shown as running")
    assert "second-line" not in log.text
    page.screenshot("run-detail-live-log")

    gate.open()
    page.wait(lambda d: "second-line" in log.text, "the page stopped following the log")
    page.wait(lambda d: d.find_element(By.CSS_SELECTOR, ".run-status").text == "Success", "run never succeeded")
    page.wait(lambda d: "End of log" in d.find_element(By.CSS_SELECTOR, ".log-status").text, "end of log not shown")

    page.click("stderr")
    page.wait(lambda d: "to-stderr" in d.find_element(By.CSS_SELECTOR, "pre.log-output").text, "stderr not shown")
    page.screenshot("run-detail-stderr")


def test_each_attempt_of_a_restarted_run_has_its_own_log(page, server, tmp_path):
    marker = os.path.join(tmp_path, "tried")
    # Fails on the first attempt and succeeds on the second (ON_FAILURE restarts it).
    job_id = create_job(
        server, "retry", f"if [ -e {marker} ]; then echo second-attempt; else touch {marker}; echo first-attempt; exit 1; fi",
        restart={"policy": "ON_FAILURE", "activeDeadlineSeconds": 120})
    status, run = server.request("POST", f"/v1/jobs/{job_id}/runs")
    assert status == 201
    page.open(f"#/jobs/{job_id}/runs/{run['id']}")
    page.wait(lambda d: d.find_element(By.CSS_SELECTOR, ".run-status").text == "Success", "run never succeeded")
    page.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-task-id]")) == 2, "two attempts not shown")
    page.wait(lambda d: "second-attempt" in d.find_element(By.CSS_SELECTOR, "pre.log-output").text, "the latest attempt's log is not shown")

    tasks = page.find(".log-head select")
    first_task = page.driver.find_elements(By.CSS_SELECTOR, "[data-task-id]")[0].get_attribute("data-task-id")
    tasks.find_element(By.CSS_SELECTOR, f"option[value='{first_task}']").click()
    page.wait(lambda d: "first-attempt" in d.find_element(By.CSS_SELECTOR, "pre.log-output").text, "first attempt's log")
    assert "second-attempt" not in page.driver.find_element(By.CSS_SELECTOR, "pre.log-output").text


def set_hidden(page, hidden):
    """Makes the page believe its tab was hidden or shown (as switching tabs would)."""
    page.driver.execute_script(
        "Object.defineProperty(document, 'hidden', {value: arguments[0], configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'));", hidden)


def test_a_hidden_tab_lets_go_of_the_stream_and_resumes_where_it_stopped(page, server, tmp_path):
    gate = Gate(tmp_path)
    job_id = create_job(server, "hidden", f"echo before-hiding; {gate.wait_command()}; echo while-hidden; sleep 0.5; echo after-showing")
    _, run = server.request("POST", f"/v1/jobs/{job_id}/runs")
    page.open(f"#/jobs/{job_id}/runs/{run['id']}")
    page.wait(lambda d: "before-hiding" in d.find_element(By.CSS_SELECTOR, "pre.log-output").text, "first line never shown")

    set_hidden(page, True)
    page.wait(lambda d: "Paused" in d.find_element(By.CSS_SELECTOR, ".log-status").text, "the stream was not paused")
    gate.open()
    set_hidden(page, False)
    page.wait(lambda d: "after-showing" in d.find_element(By.CSS_SELECTOR, "pre.log-output").text, "did not resume")
    page.wait(lambda d: "End of log" in d.find_element(By.CSS_SELECTOR, ".log-status").text, "end of log not shown")
    # Resumed from the byte where it stopped: nothing lost, nothing twice.
    assert page.driver.find_element(By.CSS_SELECTOR, "pre.log-output").text.split() == ["before-hiding", "while-hidden", "after-showing"]
