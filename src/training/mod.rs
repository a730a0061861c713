//! The training gallery, trainers' own scenario folders, quiz state and scoring, and the
//! training world's DNS answers (logic only; drawing lives in `gui`).

mod gallery;
pub mod presenter;
pub mod quiz;
mod spot;
pub mod summary;
pub mod view;
mod zone;

pub use gallery::{
    gallery, gallery_errors, load_folder, FolderError, LearningPoint, Scenario, ScenarioMeta,
    METADATA_FILE,
};
pub use spot::{ItemRef, Spot};
pub use zone::{key_names, sample_zone};
