'use strict';
// The editors' workplace: names for the controls that scripts of Django's admin create
// without one (docs/architecture.md, "The admin's accessibility"). Loaded deferred on
// every admin page (templates/admin/base_site.html), so it runs after the admin's own
// scripts are read and before they set up their widgets on "ready" and "load".
{
    // The element naming a form control: its <label>, or, in a table's row, where the
    // column's heading is the only label on screen, its aria-label (core.admin) kept in
    // a hidden element that the autocomplete's parts can refer to.
    function nameOf(select) {
        let name = document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
        if (!name) {
            name = document.createElement('span');
            name.hidden = true;
            name.textContent = select.getAttribute('aria-label') || '';
            select.parentElement.append(name);
        }
        if (!name.id) {
            name.id = `${select.id}_name`;
        }
        return name.id;
    }

    // An autocomplete widget (Django's select2): the field that takes the focus carries
    // the field's name; a single choice also reads its chosen entry, which select2
    // shows as a read-only "textbox" inside the combobox instead of as its value. The
    // crosses that remove a choice are for the mouse (Backspace and Delete do it from
    // the keyboard): hidden from screen readers, as select2 makes them anew.
    function nameAutocomplete(select) {
        const container = select.nextElementSibling;
        if (!container || !container.classList.contains('select2-container')) {
            return;
        }
        const name = nameOf(select);
        const combobox = container.querySelector('.select2-selection');
        const shown = container.querySelector('.select2-selection--single .select2-selection__rendered');
        if (shown) {
            shown.removeAttribute('role');
            shown.removeAttribute('aria-readonly');
            combobox.setAttribute('aria-labelledby', `${name} ${shown.id}`);
        } else {
            combobox.setAttribute('aria-labelledby', name);
        }
        container.querySelectorAll('.select2-search__field').forEach((field) => {
            field.setAttribute('aria-labelledby', name);
        });
        const hideCrosses = () => {
            combobox.querySelectorAll('.select2-selection__clear, .select2-selection__choice__remove').forEach((cross) => {
                cross.setAttribute('aria-hidden', 'true');
            });
        };
        hideCrosses();
        new MutationObserver(hideCrosses).observe(combobox, {childList: true, subtree: true});
        select.dataset.nameId = name;
    }

    // The open list (appended to the page's end while open): named like its field; the
    // combobox says which list it controls (ARIA 1.2), and the field with the focus
    // which option the arrow keys highlight, so that a screen reader reads it.
    let options = 0;
    function nameOpenList(select) {
        const dropdown = document.querySelector('.select2-dropdown');
        const name = select.dataset.nameId;
        if (!dropdown || !name) {
            return;
        }
        dropdown.querySelectorAll('.select2-search__field, .select2-results__options').forEach((part) => {
            part.setAttribute('aria-labelledby', name);
        });
        const combobox = select.nextElementSibling.querySelector('.select2-selection');
        combobox.setAttribute('aria-controls', combobox.getAttribute('aria-owns') || '');
        if (dropdown.dataset.followed) {
            return;
        }
        dropdown.dataset.followed = 'true';
        new MutationObserver(() => {
            const field = document.activeElement;
            if (!field || !field.matches('.select2-search__field')) {
                return;
            }
            const option = dropdown.querySelector('.select2-results__option--highlighted');
            if (option) {
                option.id = option.id || `select2-option-${++options}`;
                field.setAttribute('aria-activedescendant', option.id);
            } else {
                field.removeAttribute('aria-activedescendant');
            }
        }).observe(dropdown, {subtree: true, childList: true, attributeFilter: ['class']});
    }

    function forgetOpenList(select) {
        const container = select.nextElementSibling;
        if (container && container.classList.contains('select2-container')) {
            container.querySelector('.select2-selection').removeAttribute('aria-controls');
        }
    }

    // The filter of Django's two-list selection (a group's permissions) names its
    // search icon with aria-label on a plain <span>: an image with that name instead.
    function nameFilterIcons() {
        document.querySelectorAll('.search-label-icon[aria-label]').forEach((icon) => {
            icon.setAttribute('role', 'img');
        });
    }

    // A refused save (an edit conflict, a missing field): the note that says so takes
    // the focus, so that a screen reader reads it first and the next Tab is in the form.
    function focusErrorNote() {
        const note = document.querySelector('#content-main .errornote');
        if (note) {
            note.tabIndex = -1;
            note.focus();
        }
    }

    if (window.django && django.jQuery) {
        const $ = django.jQuery;
        $(() => {
            document.querySelectorAll('select.admin-autocomplete').forEach(nameAutocomplete);
        });
        $(document).on('select2:open', (event) => nameOpenList(event.target));
        $(document).on('select2:close', (event) => forgetOpenList(event.target));
    }
    document.addEventListener('formset:added', (event) => {
        // Django's autocomplete.js set up the new row's widgets just before.
        event.target.querySelectorAll('select.admin-autocomplete').forEach(nameAutocomplete);
    });
    // On "load": after the admin's own scripts, which focus an add form's first field.
    window.addEventListener('load', () => {
        nameFilterIcons();
        focusErrorNote();
    });
}
