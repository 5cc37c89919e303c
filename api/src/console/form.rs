//! A console form as data: the fields a page shows (each with its value as typed and the
//! message of its error), and what a browser posted, read as pairs so that a field may come
//! more than once (a row of checkboxes). The organisation's pages are all such forms and share
//! one template, `console/form.html`.

use askama::Template;
use liaison_domain::FieldError;

use super::error::ConsoleResult;
use super::messages::Messages;
use super::pages::{Choice, Layout};
use super::session::Staff;
use crate::app_error::{AppError, Conflict};
use crate::state::AppState;

/// What a form posted: its pairs in order, every value as typed.
#[derive(Debug, Default)]
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    /// The first value of `name`, or "" when it was not sent.
    pub fn one(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`, in the order sent.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value that makes a creating form's second post do nothing (`once::once`).
    pub fn once(&self) -> &str {
        self.one(super::once::FIELD)
    }

    /// The value of `name`, trimmed, or `None` when it was left empty.
    pub fn optional(&self, name: &str) -> Option<String> {
        optional(self.one(name))
    }

    /// The id chosen in `name`.
    pub fn id(&self, name: &'static str) -> Result<i64, FieldError> {
        id_field(name, self.one(name))
    }

    /// The id chosen in `name`, if one is: a select whose first choice is none.
    pub fn optional_id(&self, name: &'static str) -> Result<Option<i64>, FieldError> {
        match self.one(name).trim() {
            "" => Ok(None),
            value => id_field(name, value).map(Some),
        }
    }

    /// The ids ticked in `name`; one that is not an id is the field's error.
    pub fn ids(&self, name: &'static str) -> Result<Vec<i64>, FieldError> {
        self.all(name)
            .into_iter()
            .filter(|v| !v.trim().is_empty())
            .map(|v| id_field(name, v))
            .collect()
    }

    /// A whole number typed in `name`.
    pub fn number(&self, name: &'static str) -> Result<i64, FieldError> {
        let value = self.one(name).trim();
        if value.is_empty() {
            return Err(FieldError::new(
                name,
                "required",
                format!("{name} is required"),
            ));
        }
        value
            .parse()
            .map_err(|_| FieldError::new(name, "not_a_number", format!("{name} is not a number")))
    }
}

/// `value` trimmed, or `None` when nothing was typed.
pub fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The id chosen in `field`: required, and a number.
pub fn id_field(field: &'static str, value: &str) -> Result<i64, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::new(
            field,
            "required",
            format!("{field} is required"),
        ));
    }
    value
        .parse()
        .map_err(|_| FieldError::new(field, "unknown", format!("{field} is not an id")))
}

/// How a field is typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Text,
    Tel,
    Password,
    Number,
    Date,
    Textarea,
    /// One of `Field::options`.
    Select,
    /// Any of `Field::options`, as a row of checkboxes.
    Checks,
}

impl Input {
    /// The `type` of its `<input>`, for the kinds that are one.
    pub fn html_type(self) -> &'static str {
        match self {
            Input::Tel => "tel",
            Input::Password => "password",
            Input::Number => "number",
            Input::Date => "date",
            Input::Text | Input::Textarea | Input::Select | Input::Checks => "text",
        }
    }
}

/// One field of a form.
pub struct Field {
    /// Unique in the page: forms of one page may share field names.
    pub id: String,
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub value: String,
    pub required: bool,
    pub hint: Option<&'static str>,
    pub error: Option<&'static str>,
    pub options: Vec<Choice>,
}

impl Field {
    /// A field `name` of form `form`, typed in as `input`, empty.
    pub fn new(form: &str, name: &'static str, label: &'static str, input: Input) -> Self {
        Self {
            id: format!("{form}-{name}"),
            name,
            label,
            input,
            value: String::new(),
            required: false,
            hint: None,
            error: None,
            options: Vec::new(),
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }

    /// The choices of a select or a row of checkboxes.
    pub fn options(mut self, options: Vec<Choice>) -> Self {
        self.options = options;
        self
    }
}

/// A form of a page: where it posts, its fields, and the errors that are on none of them.
pub struct Form {
    pub id: &'static str,
    pub action: String,
    pub submit: &'static str,
    pub fields: Vec<Field>,
    pub errors: Vec<&'static str>,
    /// For a form that creates: the value that makes a second post of it do nothing.
    pub once: Option<String>,
}

impl Form {
    pub fn new(id: &'static str, action: impl Into<String>, submit: &'static str) -> Self {
        Self {
            id,
            action: action.into(),
            submit,
            fields: Vec::new(),
            errors: Vec::new(),
            once: None,
        }
    }

    /// A form that creates something, done once however often it is posted.
    pub fn creating(mut self) -> Self {
        self.once = Some(super::once::fresh());
        self
    }

    /// Adds a field, named in this form's namespace.
    pub fn field(
        mut self,
        name: &'static str,
        label: &'static str,
        input: Input,
        build: impl FnOnce(Field) -> Field,
    ) -> Self {
        self.fields
            .push(build(Field::new(self.id, name, label, input)));
        self
    }

    /// The form again as it was posted: every value as typed (checkboxes ticked as they
    /// were), each error by its field, the rest above the button.
    pub fn again(mut self, posted: &Posted, errors: &[FieldError], m: &Messages) -> Self {
        for field in &mut self.fields {
            match field.input {
                Input::Checks => {
                    let ticked = posted.all(field.name);
                    for option in &mut field.options {
                        option.selected = ticked.contains(&option.value.as_str());
                    }
                }
                Input::Select => {
                    field.value = posted.one(field.name).to_owned();
                    for option in &mut field.options {
                        option.selected = option.value == field.value;
                    }
                }
                // A password is never sent back to the browser.
                Input::Password => field.value.clear(),
                _ => field.value = posted.one(field.name).to_owned(),
            }
        }
        for error in errors {
            let message = m.field_error(error.code);
            match self.fields.iter_mut().find(|f| f.name == error.field) {
                Some(field) if field.error.is_none() => field.error = Some(message),
                Some(_) => {}
                None => self.errors.push(message),
            }
        }
        self
    }
}

/// What a use-case refused about the fields of a form, to show by them; any other error is
/// the page's.
pub fn refused(error: AppError) -> Result<Vec<FieldError>, AppError> {
    match error {
        AppError::Invalid(invalid) => Ok(invalid.0),
        AppError::Conflict(Conflict::Taken { field, code }) => {
            Ok(vec![FieldError::new(field, code, "taken")])
        }
        other => Err(other),
    }
}

/// What a form posted, once its CSRF token proved it came from this session's page.
pub fn checked(
    state: &AppState,
    staff: &Staff,
    form: actix_web::web::Form<Vec<(String, String)>>,
) -> ConsoleResult<Posted> {
    let sent = Posted(form.into_inner());
    staff.check_csrf(state, sent.one("csrf"))?;
    Ok(sent)
}

/// A page that is one form: a new station, a deputy's details, an account.
#[derive(Template)]
#[template(path = "console/form_page.html")]
pub struct FormPage {
    pub m: &'static Messages,
    pub layout: Layout,
    pub title: &'static str,
    pub intro: Option<&'static str>,
    /// The link back: where, and what it says.
    pub back: (&'static str, &'static str),
    pub form: Form,
}

impl FormPage {
    /// The page of `form`, titled `title`, under navigation entry `nav`, with a link `back`.
    pub fn of(
        staff: &Staff,
        nav: &'static str,
        title: &'static str,
        back: (&'static str, &'static str),
        form: Form,
    ) -> Self {
        let m = Messages::current();
        Self {
            m,
            layout: Layout::of(staff, m, nav),
            title,
            intro: None,
            back,
            form,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::pages::{choices, listed};

    fn posted(pairs: &[(&str, &str)]) -> Posted {
        Posted(
            pairs
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn a_form_again_keeps_what_was_typed_and_puts_each_error_by_its_field() {
        let m = Messages::current();
        let values = || {
            [
                ("1".to_owned(), "一".to_owned()),
                ("2".to_owned(), "二".to_owned()),
            ]
        };
        let form = Form::new("f", "/x", "save")
            .field("name", "name", Input::Text, |f| f)
            .field("password", "password", Input::Password, |f| f)
            .field("station_ids", "stations", Input::Checks, |f| {
                f.options(listed(values(), &["1"]))
            })
            .field("kind", "kind", Input::Select, |f| {
                f.options(choices(values(), "", ""))
            });
        let sent = posted(&[
            ("name", "  x "),
            ("password", "secret"),
            ("station_ids", "2"),
            ("kind", "1"),
        ]);
        let errors = [
            FieldError::new("name", "too_short", "short"),
            FieldError::new("name", "too_long", "second error on the field is not shown"),
            FieldError::new("phone", "taken", "on no field of the form"),
        ];
        let form = form.again(&sent, &errors, m);
        assert_eq!(form.fields[0].value, "  x ");
        assert_eq!(form.fields[0].error, Some(m.field_error("too_short")));
        assert_eq!(form.fields[1].value, "", "passwords are not sent back");
        let ticked: Vec<_> = form.fields[2].options.iter().map(|o| o.selected).collect();
        assert_eq!(ticked, [false, true], "ticked as posted, not as stored");
        assert_eq!(form.fields[3].value, "1");
        assert_eq!(form.errors, [m.field_error("taken")]);
    }

    #[test]
    fn posted_ids_and_numbers_say_which_field_is_wrong() {
        let sent = posted(&[("a", "3"), ("a", "x"), ("n", "12"), ("e", " ")]);
        assert_eq!(sent.ids("a").unwrap_err().field, "a");
        assert_eq!(sent.number("n").unwrap(), 12);
        assert_eq!(sent.number("e").unwrap_err().code, "required");
        assert_eq!(sent.optional("e"), None);
        assert_eq!(posted(&[("a", "3"), ("a", "")]).ids("a").unwrap(), [3]);
    }
}
