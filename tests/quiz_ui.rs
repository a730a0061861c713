//! The quiz and presenter screens, driven through AccessKit like a person would.

use egui::Key;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;

use mailsleuth::gui::presenter::{presenter_ui, PresenterExit, PresenterScreen};
use mailsleuth::gui::quiz::{quiz_ui, QuizExit, QuizScreen};
use mailsleuth::training::quiz::Quiz;
use mailsleuth::training::view::Part;
use mailsleuth::training::{gallery, Scenario};

fn scenario(id: &str) -> Scenario {
    match gallery().into_iter().find(|s| s.meta.id == id) {
        Some(s) => s,
        None => panic!("no scenario {id}"),
    }
}

struct QuizState {
    screen: QuizScreen,
    exit: Option<QuizExit>,
}

fn quiz_harness(ids: &[&str]) -> Harness<'static, QuizState> {
    let mut screen = QuizScreen::new(Vec::new(), 1, 1);
    screen.quiz = Quiz::from_scenarios(ids.iter().map(|id| scenario(id)).collect());
    screen.use_dialog = false;
    let state = QuizState { screen, exit: None };
    Harness::builder()
        .with_size(egui::vec2(1100.0, 2400.0))
        .build_ui_state(
            |ui, s: &mut QuizState| {
                if let Some(e) = quiz_ui(ui, &mut s.screen) {
                    s.exit = Some(e);
                }
            },
            state,
        )
}

/// A part that shows something mailsleuth flags is credited in the reveal even when the
/// scenario's own list of tells leaves it out: never "nothing wrong there".
/// The parts marked in the current question.
fn marked(h: &Harness<'static, QuizState>) -> Vec<Part> {
    h.state()
        .screen
        .quiz
        .current()
        .map(|q| q.marked().iter().copied().collect())
        .unwrap_or_default()
}

#[test]
fn a_marked_part_that_mailsleuth_flags_costs_no_point() {
    let mut h = quiz_harness(&["ceo-fraud"]);
    h.run();
    h.get_all_by_label_contains("Subject:")
        .next()
        .expect("the subject line is shown")
        .click();
    h.run();
    let marked = marked(&h);
    assert_eq!(marked, [Part::Subject]);
    h.get_by_label("Don't trust").click();
    h.run();
    h.get_by_label_contains("mailsleuth flags it too, so no point off");
    assert!(h
        .query_all_by_label_contains("nothing wrong there")
        .next()
        .is_none());
}

#[test]
fn mark_a_part_decide_and_see_the_reveal() {
    let mut h = quiz_harness(&["reply-to-hijack", "newsletter"]);
    h.run();
    h.get_by_label_contains("Message 1 of 2");
    // The verdict is hidden until the learner decides.
    assert!(h.query_by_label_contains("Dangerous").is_none());
    h.get_by_label_contains("Reply-To: Chris Novak").click();
    h.run();
    let marked = marked(&h);
    assert_eq!(marked, [Part::ReplyTo]);
    h.get_by_label_contains("⚑ Reply-To");
    h.get_by_label("Don't trust").click();
    h.run();
    h.get_by_label("Right: Don't trust");
    h.get_by_label_contains("Dangerous: Credit control asks");
    h.get_by_label_contains("Found: ");
    h.get_by_label_contains("✔ Reply-To");
    h.get_by_label_contains("You found 1 of");
    let (score, _) = h.state().screen.quiz.score();
    assert_eq!(score, 3, "one tell found and the right decision");
    h.get_by_label_contains("Score: 3 of");
    // Marking is over once the answer is in.
    h.get_by_label_contains("From: Chris Novak").click();
    h.run();
    assert!(!h
        .state()
        .screen
        .quiz
        .current()
        .is_some_and(|q| q.marked().contains(&Part::From)));
}

#[test]
fn a_round_ends_with_a_summary_that_can_be_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = quiz_harness(&["gift-card", "newsletter"]);
    h.state_mut().screen.save_dir = Some(dir.path().to_path_buf());
    h.run();
    h.get_by_label("Don't trust").click();
    h.run();
    h.get_by_label("Next message").click();
    h.run();
    h.get_by_label_contains("Message 2 of 2");
    h.get_by_label("Trust").click();
    h.run();
    h.get_by_label("Right: Trust");
    h.get_by_label("See the summary").click();
    h.run();
    h.get_by_label_contains("Round over:");
    h.get_by_label("Save summary…").click();
    h.run();
    h.get_by_label_contains("No save dialog appeared");
    h.get_by_label("Save to my documents").click();
    h.run();
    h.get_by_label_contains("✔ Saved to");
    let saved: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .collect();
    assert_eq!(saved.len(), 1);
    let html = std::fs::read_to_string(saved[0].path()).unwrap();
    assert!(html.contains("Gift cards for clients"), "{html}");
    h.get_by_label("Back to start").click();
    h.run();
    assert_eq!(h.state().exit, Some(QuizExit::Leave));
}

struct PresenterState {
    screen: PresenterScreen,
    exit: Option<PresenterExit>,
}

fn presenter_harness(ids: &[&str]) -> Harness<'static, PresenterState> {
    presenter_harness_sized(ids, egui::vec2(1600.0, 1400.0))
}

fn presenter_harness_sized(ids: &[&str], size: egui::Vec2) -> Harness<'static, PresenterState> {
    let mut screen = PresenterScreen::new(ids.iter().map(|id| scenario(id)).collect(), 0);
    screen.fullscreen = false;
    Harness::builder().with_size(size).build_ui_state(
        |ui, s: &mut PresenterState| {
            if let Some(e) = presenter_ui(ui, &mut s.screen) {
                s.exit = Some(e);
            }
        },
        PresenterState { screen, exit: None },
    )
}

#[test]
fn the_presenter_steps_through_tells_path_and_lesson_by_keyboard() {
    let mut h = presenter_harness(&["ceo-fraud", "newsletter"]);
    h.run();
    h.get_by_label("Would you trust this message?");
    h.get_by_label_contains("step 1 of");
    assert!(h.query_by_label_contains("[1]").is_none(), "no tell yet");
    h.key_press(Key::Space);
    h.run();
    h.get_by_label_contains("step 2 of");
    assert!(!h
        .get_all_by_label_contains("[1]")
        .collect::<Vec<_>>()
        .is_empty());
    h.key_press(Key::ArrowLeft);
    h.run();
    h.get_by_label_contains("step 1 of");
    let tells = h
        .state()
        .screen
        .presentation
        .question()
        .map(|q| q.points.len())
        .unwrap_or(0);
    for _ in 0..=tells {
        h.key_press(Key::ArrowRight);
        h.run();
    }
    h.get_by_label("The route it took");
    // The CEO's mail came straight to your server: its one step is your servers' record.
    h.get_by_label_contains("your own servers");
    h.key_press(Key::Space);
    h.run();
    h.get_by_label_contains("Dangerous");
    h.get_by_label("The CEO needs the payroll file, now");
    h.get_by_label("Next ➡").click();
    h.run();
    h.get_by_label_contains("Scenario 2 of 2");
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(h.state().exit, Some(PresenterExit::Leave));
}

/// A slide taller than the screen scrolls with ↓ and PageDown instead of skipping ahead;
/// PageDown moves on only once the end of the slide is in view.
#[test]
fn the_presenter_scrolls_a_long_slide_before_moving_on() {
    let mut h = presenter_harness_sized(&["ceo-fraud"], egui::vec2(1200.0, 560.0));
    h.run();
    h.get_by_label_contains("step 1 of");
    let top = |h: &Harness<'static, PresenterState>| {
        h.get_by_label("Would you trust this message?").rect().top()
    };
    // The first line of the message body: it moves up as the slide scrolls.
    let body_y = |h: &Harness<'static, PresenterState>| -> f32 {
        h.get_all_by_label_contains("From")
            .map(|n| n.rect().top())
            .fold(f32::MAX, f32::min)
    };
    let (title_before, body_before) = (top(&h), body_y(&h));
    h.key_press(Key::ArrowDown);
    h.run();
    h.get_by_label_contains("step 1 of");
    assert!(body_y(&h) < body_before, "↓ scrolled the slide");
    assert_eq!(top(&h), title_before, "the title stays put");
    h.key_press(Key::ArrowUp);
    h.run();
    assert_eq!(body_y(&h), body_before, "↑ scrolled back");
    // PageDown pages through the slide, then goes to the next step.
    let mut presses = 0;
    while h.query_by_label_contains("step 1 of").is_some() {
        h.key_press(Key::PageDown);
        h.run();
        presses += 1;
        assert!(presses < 30, "PageDown reaches the next step");
    }
    assert!(presses > 1, "PageDown scrolled before it moved on");
    h.get_by_label_contains("step 2 of");
}

use mailsleuth::gui::gallery::{training_ui, GalleryAction};

/// The training card alone, with the built-in gallery; the actions it asked for.
fn training_harness() -> Harness<'static, Vec<GalleryAction>> {
    Harness::builder()
        .with_size(egui::vec2(900.0, 1600.0))
        .build_ui_state(
            |ui, actions: &mut Vec<GalleryAction>| {
                let g = gallery();
                training_ui(ui, &g, actions);
            },
            Vec::new(),
        )
}

/// The gallery does not give the answers away to a watching group; they show on request.
#[test]
fn the_gallery_hides_the_answers_until_asked() {
    let mut h = training_harness();
    h.run();
    h.get_by_label_contains("Scenario gallery").click();
    h.run();
    h.get_by_label("The CEO needs the payroll file, now");
    assert!(h.query_all_by_label("⛔ fraud").next().is_none());
    assert!(h.query_all_by_label("✔ genuine").next().is_none());
    h.get_by_label("Show answers (genuine or fraud)").click();
    h.run();
    assert!(h.query_all_by_label("⛔ fraud").next().is_some());
    assert!(h.query_all_by_label("✔ genuine").next().is_some());
}

#[test]
fn the_training_card_starts_a_quiz_and_presents_a_chosen_scenario() {
    let mut h = training_harness();
    h.run();
    h.get_by_label_contains("Start quiz").click();
    h.run();
    assert_eq!(h.state().as_slice(), [GalleryAction::StartQuiz]);
    h.get_by_label_contains("Scenario gallery").click();
    h.run();
    h.get_by_label("The CEO needs the payroll file, now");
    let present = h.get_all_by_label("Present").nth(1);
    if let Some(b) = present {
        b.click();
    }
    h.run();
    assert_eq!(h.state().last(), Some(&GalleryAction::Present(1)));
}

fn app_harness() -> Harness<'static, mailsleuth::gui::MailsleuthApp> {
    use mailsleuth::gui::{MailsleuthApp, Settings};
    Harness::builder()
        .with_size(egui::vec2(1200.0, 1000.0))
        .build_eframe(|cc| MailsleuthApp::new(cc, Settings::offline(), Vec::new()))
}

#[test]
fn the_app_opens_the_quiz_and_the_presenter_from_the_start_page() {
    use mailsleuth::gui::View;
    let mut h = app_harness();
    h.run();
    h.get_by_label_contains("Start quiz").click();
    h.run();
    assert_eq!(h.state().view(), View::Quiz);
    h.get_by_label_contains("Message 1 of 5");
    h.get_by_label("Leave quiz").click();
    h.run();
    assert_eq!(h.state().view(), View::Welcome);

    h.get_by_label_contains("Presenter view").click();
    h.run();
    assert_eq!(h.state().view(), View::Presenter);
    h.get_by_label("Would you trust this message?");
    // The toolbar is gone: the presenter has the whole screen.
    assert!(h.query_by_label_contains("Open file").is_none());
    h.key_press(Key::Space);
    h.run();
    h.get_by_label_contains("step 2 of");
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(h.state().view(), View::Welcome);
}

#[test]
fn a_gallery_scenario_opens_as_a_message_with_its_report() {
    use mailsleuth::gui::View;
    let mut h = app_harness();
    h.run();
    h.get_by_label_contains("Scenario gallery").click();
    h.run();
    // The first row of the gallery is the CEO fraud scenario.
    let open = h.get_all_by_label("Open").next();
    assert!(open.is_some(), "the gallery rows have Open buttons");
    if let Some(b) = open {
        b.click();
    }
    // The message is analysed in the background; wait for it like a person would.
    let start = std::time::Instant::now();
    h.step();
    while h.state().is_busy() {
        assert!(start.elapsed().as_secs() < 30, "analysis did not finish");
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.run_steps(4);
    assert!(matches!(h.state().view(), View::Message(_)));
    h.get_by_label_contains("Training: The CEO needs the payroll file, now");
}

/// Steps the presenter to its route slide.
fn to_route_slide(h: &mut Harness<'static, PresenterState>) {
    while h.query_by_label("The route it took").is_none() {
        h.key_press(Key::ArrowRight);
        h.run();
        assert!(
            h.query_by_label_contains("Scenario 1 of").is_some(),
            "the route slide comes before the next scenario"
        );
    }
}

#[test]
fn the_presenter_route_reads_newest_first_like_the_path_tab() {
    let mut h = presenter_harness(&["forged-auth-results"]);
    h.run();
    to_route_slide(&mut h);
    let top = |h: &Harness<'static, PresenterState>, label: &str| {
        h.get_by_label_contains(label).rect().top()
    };
    let hops = h
        .state()
        .screen
        .presentation
        .question()
        .and_then(|q| q.report.as_ref().ok())
        .map(|r| r.path.hops.len())
        .unwrap_or(0);
    assert!(hops >= 2);
    let mailbox = top(&h, "Your mailbox");
    let newest = top(&h, &format!("{hops}. "));
    let oldest = h
        .get_all_by_label_contains("1. ")
        .filter(|n| {
            let node = n.accesskit_node();
            node.label()
                .or_else(|| node.value())
                .is_some_and(|l| l.starts_with("1. "))
        })
        .map(|n| n.rect().top())
        .next()
        .unwrap_or_else(|| {
            let labels: Vec<String> = h
                .get_all_by_label_contains(". ")
                .filter_map(|n| n.accesskit_node().value())
                .collect();
            panic!("the first step is listed: {labels:?}")
        });
    let start = top(&h, "Where it claims to start");
    assert!(mailbox < newest && newest < oldest && oldest < start);
    let believed = top(&h, "written by your own servers: these can be believed");
    let forged = top(&h, "the sender could have forged these lines");
    assert!(
        believed < forged,
        "your servers above the line, the sender's side below"
    );
}

#[test]
fn the_presenter_reveals_where_a_link_goes_only_with_its_tell() {
    let mut h = presenter_harness(&["lookalike-login"]);
    h.run();
    h.get_by_label_contains("Link: https://portal.fabrikam.example/account");
    assert!(
        h.query_by_label_contains("really goes to").is_none(),
        "a mail program does not print where a link goes"
    );
    let link_tell = h
        .state()
        .screen
        .presentation
        .question()
        .and_then(|q| {
            q.points
                .iter()
                .position(|p| p.check == "link-text-mismatch")
        })
        .expect("the scenario has a link tell");
    for _ in 0..=link_tell {
        h.key_press(Key::Space);
        h.run();
    }
    h.get_by_label_contains("really goes to https://portal.fabrikarn.example");
}

#[test]
fn presenter_text_grows_with_the_screen() {
    let small = presenter_harness_sized(&["ceo-fraud"], egui::vec2(1200.0, 800.0));
    let large = presenter_harness_sized(&["ceo-fraud"], egui::vec2(1920.0, 1080.0));
    let s = mailsleuth::gui::presenter::scale(&small.ctx);
    let l = mailsleuth::gui::presenter::scale(&large.ctx);
    assert_eq!(s, 1.0);
    assert!((l - 1.35).abs() < 0.01, "1080 lines tall: {l}");
    // The title is drawn larger on the larger screen.
    let title = |h: &Harness<'static, PresenterState>| {
        h.get_by_label("Would you trust this message?")
            .rect()
            .height()
    };
    let (mut small, mut large) = (small, large);
    small.run();
    large.run();
    assert!(title(&large) > title(&small) * 1.2);
}
