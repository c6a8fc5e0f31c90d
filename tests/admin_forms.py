"""Re-post an admin change form as an editor's browser would, with some fields changed."""


def _value(field):
    value = field.value()
    if value is None or value is False:
        return ""
    return value


def change_form_data(response, **changes):
    """The form and inline formsets of an admin change page as POST data, plus ``changes``."""
    form = response.context["adminform"].form
    data = {name: _value(form[name]) for name in form.fields}
    for formset in response.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{prefix}-{name}"] = management[name].value()
        for index, inline_form in enumerate(formset.formset.forms):
            for name in inline_form.fields:
                data[f"{prefix}-{index}-{name}"] = _value(inline_form[name])
    data = {name: value for name, value in data.items() if value != ""}
    data.update(changes)
    return data
