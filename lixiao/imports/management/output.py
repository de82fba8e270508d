"""What both import commands print: a preview as counts and 'file:row:column: message' lines."""

from django.core.management.base import CommandError

from lixiao.imports.common import Issue


def write_preview(command, preview):
    data = preview.as_dict()
    header = data["header"]
    command.stdout.write(f"{data['filename']}: {header['encoding'] or '-'}, header row {header['header_row']}")
    if header["headers"]:
        command.stdout.write("  header: " + " | ".join(header["headers"]))
    for key, value in data["counts"].items():
        command.stdout.write(f"  {key}: {value}")
    for category, campus, count in data.get("breakdown", []):
        command.stdout.write(f"  {category} {campus}: {count}")
    for key, count in data.get("task_changes", {}).items():
        command.stdout.write(f"  tasks {key}: {count}")
    if data.get("confirm_release"):
        released, active = data["counts"]["released"], data["active"]
        command.stdout.write(f"warning: this releases {released} of {active} students on the list")
    for issue in preview.warnings:
        command.stdout.write(f"warning: {issue}")
    for issue in preview.errors:
        command.stderr.write(f"error: {issue}")


def write_result(command, filename, result):
    parts = ", ".join(f"{key} {value}" for key, value in result.items())
    command.stdout.write(command.style.SUCCESS(f"{filename}: applied: {parts}"))


def refuse(errors: list[Issue], what="nothing was imported"):
    lines = [str(issue) for issue in errors]
    raise CommandError(f"{len(lines)} error(s); {what}:\n" + "\n".join(lines))
